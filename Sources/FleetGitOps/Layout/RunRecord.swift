import FleetBasics
import Foundation

/// The record `fleet run` writes to `<cache dir>/runs/latest.json` (the execution engine owns the writer; only the
/// fields fleet's GitOps commands need are read).
public struct RunRecord: Hashable, Sendable {
    /// The 40-hex commit the run built, or nil when it was not a commit.
    public var commit: String?
    /// Whether the run built uncommitted changes.
    public var dirty: Bool
    /// `succeeded`, `failed` or `interrupted`.
    public var status: String
    /// Per target and action: the action key and what happened.
    public var actions: [Action]

    public struct Action: Hashable, Sendable {
        public var target: String
        public var action: String
        public var key: String
        public var status: String
        public init(target: String, action: String, key: String, status: String) {
            self.target = target
            self.action = action
            self.key = key
            self.status = status
        }
    }

    public init(commit: String?, dirty: Bool, status: String, actions: [Action]) {
        self.commit = commit
        self.dirty = dirty
        self.status = status
        self.actions = actions
    }

    /// Targets whose `build` action was executed or answered from the cache, with its key.
    public var builtTargets: [String: String] {
        var result: [String: String] = [:]
        for action in actions where action.action == "build" && (action.status == "executed"
            || action.status == "cached")
        {
            result[action.target] = action.key
        }
        return result
    }

    /// The record's path in a cache directory.
    public static func path(inCache directory: String) -> String {
        FileSystem.join(FileSystem.join(directory, "runs"), "latest.json")
    }

    /// Reads and decodes a run record.
    /// - Throws: ``GitOpsError/runRecordMissing(path:)`` or ``GitOpsError/runRecordInvalid(path:reason:)``.
    public static func load(path: String, displayPath: String) throws(GitOpsError) -> RunRecord {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path, limit: 64 * 1024 * 1024)
        } catch {
            if error.isNotFound { throw .runRecordMissing(path: displayPath) }
            throw .unreadable(path: displayPath, reason: error.reason)
        }
        return try decode(bytes, displayPath: displayPath)
    }

    static func decode(_ bytes: [UInt8], displayPath: String) throws(GitOpsError) -> RunRecord {
        struct Raw: Decodable {
            var schema: Int
            var commit: String?
            var dirty: Bool
            var status: String
            var actions: [RawAction]
        }
        struct RawAction: Decodable {
            var target: String
            var action: String
            var key: String
            var status: String
        }
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .runRecordInvalid(path: displayPath, reason: "the field '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .runRecordInvalid(path: displayPath, reason: "the field '\(field)' has the wrong type")
        } catch {
            throw .runRecordInvalid(path: displayPath, reason: "it is not valid JSON")
        }
        guard raw.schema == 1 else {
            throw .runRecordInvalid(path: displayPath, reason: "unsupported schema \(raw.schema) (expected 1)")
        }
        if let commit = raw.commit {
            guard commit.utf8.count == 40, commit.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39)
                || ($0 >= 0x61 && $0 <= 0x66) })
            else {
                throw .runRecordInvalid(path: displayPath, reason: "'\(commit)' is not a 40-digit commit id")
            }
        }
        return RunRecord(commit: raw.commit, dirty: raw.dirty, status: raw.status, actions: raw.actions.map {
            Action(target: $0.target, action: $0.action, key: $0.key, status: $0.status)
        })
    }
}
