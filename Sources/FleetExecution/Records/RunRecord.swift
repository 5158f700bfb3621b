#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FleetBasics

/// What `fleet run` leaves behind: `<cache>/runs/latest.json` and `<cache>/runs/<id>/record.json`.
///
/// This is a contract with `fleet bump --from-run` (the GitOps side), which reads `commit`, `dirty`, `status` and
/// each action's `target`, `action`, `key` and `status`. Fields may be added; none may change meaning.
///
/// ```json
/// {"schema":1,"id":"20250131-120000.123-3fa9c1","commit":"<40 hex or null>","dirty":false,
///  "startedAt":"2025-01-31T12:00:00.123Z","finishedAt":"2025-01-31T12:00:04.560Z","status":"succeeded",
///  "root":"/abs/root","fleetVersion":"0.1.0","counts":{"executed":3,"cached":5,"failed":0,"skipped":0},
///  "actions":[{"target":"api-gateway","action":"build","key":"<32 hex>","status":"executed","durationMs":123,
///              "exitCode":0,"reason":null,"requested":true,"image":"ghcr.io/acme/api-gateway"}]}
/// ```
public struct RunRecord: Codable, Sendable, Hashable {
    public struct Action: Codable, Sendable, Hashable {
        public var target: String
        public var action: String
        /// The action key, 32 hex digits.
        public var key: String
        /// `executed`, `cached`, `failed` or `skipped`.
        public var status: String
        public var durationMs: Int
        public var exitCode: Int32?
        public var reason: String?
        /// False when the action ran only because a requested action needs it.
        public var requested: Bool?
        /// For actions of services: the image repository.
        public var image: String?

        public init(target: String, action: String, key: String, status: String, durationMs: Int,
                    exitCode: Int32? = nil, reason: String? = nil, requested: Bool? = nil, image: String? = nil) {
            self.target = target
            self.action = action
            self.key = key
            self.status = status
            self.durationMs = durationMs
            self.exitCode = exitCode
            self.reason = reason
            self.requested = requested
            self.image = image
        }
    }

    public var schema: Int
    public var id: String
    /// HEAD of the repository holding the root, or nil without git (or an unborn branch).
    public var commit: String?
    /// Whether anything under the root differed from `commit` when the run started.
    public var dirty: Bool
    public var startedAt: String
    public var finishedAt: String
    /// `succeeded`, `failed` or `interrupted`.
    public var status: String
    public var root: String?
    public var fleetVersion: String?
    public var counts: [String: Int]?
    public var actions: [Action]

    public init(schema: Int = 1, id: String, commit: String?, dirty: Bool, startedAt: String, finishedAt: String,
                status: String, root: String?, fleetVersion: String? = FleetVersion.current,
                counts: [String: Int]?, actions: [Action]) {
        self.schema = schema
        self.id = id
        self.commit = commit
        self.dirty = dirty
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.root = root
        self.fleetVersion = fleetVersion
        self.counts = counts
        self.actions = actions
    }

    /// The record as one line of JSON with a fixed key order (written without Foundation's encoder, so a record of
    /// thousands of actions costs little).
    public func json() -> String {
        let actionTexts = actions.map { action in
            JSONText.object([
                ("target", JSONText.quote(action.target)),
                ("action", JSONText.quote(action.action)),
                ("key", JSONText.quote(action.key)),
                ("status", JSONText.quote(action.status)),
                ("durationMs", JSONText.number(action.durationMs)),
                ("exitCode", action.exitCode.map { JSONText.number(Int($0)) } ?? "null"),
                ("reason", JSONText.optional(action.reason)),
                ("requested", action.requested.map(JSONText.bool) ?? "null"),
                ("image", JSONText.optional(action.image)),
            ])
        }
        let countText = counts.map { counts in
            JSONText.object(ActionStatus.allCases.map { ($0.rawValue, JSONText.number(counts[$0.rawValue] ?? 0)) })
        } ?? "null"
        return JSONText.object([
            ("schema", JSONText.number(schema)),
            ("id", JSONText.quote(id)),
            ("commit", JSONText.optional(commit)),
            ("dirty", JSONText.bool(dirty)),
            ("startedAt", JSONText.quote(startedAt)),
            ("finishedAt", JSONText.quote(finishedAt)),
            ("status", JSONText.quote(status)),
            ("root", JSONText.optional(root)),
            ("fleetVersion", JSONText.optional(fleetVersion)),
            ("counts", countText),
            ("actions", "[\n" + actionTexts.joined(separator: ",\n") + "\n]"),
        ]) + "\n"
    }

    /// Reads a record file; nil when it is missing or not a record.
    public static func read(from path: String) -> RunRecord? {
        guard let bytes = try? FileSystem.readFile(path, limit: 256 << 20) else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: Data(bytes))
    }
}
