#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import FleetHashing
public import FleetInputs
import FleetBasics

/// Everything an action's key was made of, as recorded by a run, so that `fleet explain` can later say what
/// changed. A plain value with its own compact JSON form (inputs as `[path, mode, digest]` triples).
public struct KeyRecord: Sendable, Hashable {
    public var target: String
    public var action: String
    public var key: Fingerprint
    public var components: KeyComponents
    /// The resolved manifest definition (``KeyDefinition/action(_:in:)``).
    public var definition: [DefinitionField]
    public var inputs: [InputRecord]
    public var globals: [InputRecord]
    public var env: [EnvRecord]
    public var needs: [NeededKey]
    /// How the recorded run ended (`executed`, `cached`, `failed`).
    public var status: String?
    /// The id of the run that recorded it.
    public var runID: String?
    /// ISO 8601.
    public var recordedAt: String?
    /// The action's outputs after that run (target-relative paths), when known.
    public var outputs: [String]?

    public init(
        key: ActionKey, definition: [DefinitionField], status: String? = nil, runID: String? = nil,
        recordedAt: String? = nil, outputs: [String]? = nil
    ) {
        target = key.target
        action = key.action
        self.key = key.key
        components = key.components
        self.definition = definition
        inputs = key.inputs
        globals = key.globals
        env = key.env
        needs = key.needs
        self.status = status
        self.runID = runID
        self.recordedAt = recordedAt
        self.outputs = outputs
    }

    /// One line of JSON with a fixed key order.
    public func json() -> String {
        func files(_ records: [InputRecord]) -> String {
            JSONText.array(records.map { "[" + JSONText.quote($0.path) + ",\"\($0.mode)\",\"\($0.digest.hex)\"]" })
        }
        return JSONText.object([
            ("schema", "1"),
            ("target", JSONText.quote(target)),
            ("action", JSONText.quote(action)),
            ("key", JSONText.quote(key.hex)),
            ("status", JSONText.optional(status)),
            ("run", JSONText.optional(runID)),
            ("recordedAt", JSONText.optional(recordedAt)),
            ("components", JSONText.object([
                ("manifest", JSONText.quote(components.manifest.hex)),
                ("sources", JSONText.quote(components.sources.hex)),
                ("globals", JSONText.quote(components.globals.hex)),
                ("env", JSONText.quote(components.env.hex)),
                ("deps", JSONText.quote(components.deps.hex)),
            ])),
            ("definition", JSONText.array(definition.map {
                JSONText.object([("name", JSONText.quote($0.name)), ("values", JSONText.strings($0.values))])
            })),
            ("env", JSONText.array(env.map {
                JSONText.object([("name", JSONText.quote($0.name)), ("value", JSONText.optional($0.value?.hex))])
            })),
            ("needs", JSONText.array(needs.map {
                JSONText.object([("label", JSONText.quote($0.label)), ("key", JSONText.quote($0.key.hex))])
            })),
            ("outputs", outputs.map(JSONText.strings) ?? "null"),
            ("globals", files(globals)),
            ("inputs", files(inputs)),
        ]) + "\n"
    }

    /// Parses ``json()``'s output; nil when the bytes are not a key record.
    public static func decode(_ bytes: [UInt8]) -> KeyRecord? {
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(bytes)), stored.schema == 1,
            let key = Fingerprint(hex: stored.key)
        else { return nil }
        func fingerprint(_ text: String) -> Fingerprint? { Fingerprint(hex: text) }
        func files(_ triples: [[String]]) -> [InputRecord]? {
            var result: [InputRecord] = []
            for triple in triples {
                guard triple.count == 3, let raw = UInt32(triple[1], radix: 8), let mode = FileMode(rawValue: raw),
                    let digest = fingerprint(triple[2])
                else { return nil }
                result.append(InputRecord(path: triple[0], mode: mode, digest: digest))
            }
            return result
        }
        let c = stored.components
        guard let manifest = fingerprint(c.manifest), let sources = fingerprint(c.sources),
            let globalsKey = fingerprint(c.globals), let envKey = fingerprint(c.env), let deps = fingerprint(c.deps),
            let inputs = files(stored.inputs), let globals = files(stored.globals)
        else { return nil }
        var env: [EnvRecord] = []
        for record in stored.env {
            if let value = record.value {
                guard let digest = fingerprint(value) else { return nil }
                env.append(EnvRecord(name: record.name, value: digest))
            } else {
                env.append(EnvRecord(name: record.name, value: nil))
            }
        }
        var needs: [NeededKey] = []
        for need in stored.needs {
            guard let digest = fingerprint(need.key) else { return nil }
            needs.append(NeededKey(label: need.label, key: digest))
        }
        let actionKey = ActionKey(
            target: stored.target, action: stored.action, key: key,
            components: KeyComponents(manifest: manifest, sources: sources, globals: globalsKey, env: envKey, deps: deps),
            inputs: inputs, globals: globals, needs: needs, env: env)
        return KeyRecord(
            key: actionKey, definition: stored.definition.map { DefinitionField($0.name, $0.values) },
            status: stored.status, runID: stored.run, recordedAt: stored.recordedAt, outputs: stored.outputs)
    }

    private struct Stored: Decodable {
        struct Components: Decodable { var manifest, sources, globals, env, deps: String }
        struct Field: Decodable {
            var name: String
            var values: [String]
        }
        struct Env: Decodable {
            var name: String
            var value: String?
        }
        struct Need: Decodable { var label, key: String }
        var schema: Int
        var target, action, key: String
        var status, run, recordedAt: String?
        var components: Components
        var definition: [Field]
        var env: [Env]
        var needs: [Need]
        var outputs: [String]?
        var globals: [[String]]
        var inputs: [[String]]
    }
}
