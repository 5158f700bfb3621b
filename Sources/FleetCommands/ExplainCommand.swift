import ArgumentParser
import FleetBasics
import FleetCache
import FleetExecution
import FleetGraph
import FleetHashing
import FleetInputs
import FleetManifest
import FleetPlanning
import Foundation

/// `fleet explain TARGET[:ACTION]`: why an action would run (or not): its key now against the key of its last run.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say why an action would run or be answered from the cache.",
        discussion: """
            Computes the action's key as it is now and compares it with the key recorded by the last `fleet run` \
            of that action (in this workspace and cache directory). Names what changed: input files added, \
            removed or modified; env vars; the keys of needed actions; manifest fields. When nothing changed it \
            says "would be a hit" (and whether the cache still holds the result).

            Without :ACTION, explains every action of the target.

            Examples:
              fleet explain api-gateway:build
              fleet explain api-gateway
              fleet explain common:build --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cache: CacheOptions

    @Argument(help: ArgumentHelp("The action to explain, or every action of a target.", valueName: "target[:action]"))
    var subject: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await runReporting(global) { console in
            let fleet = try FleetLoader.load(workspace: global.workspace())
            let parts = subject.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let targetName = parts[0]
            if let error = fleet.graph.unknownTargetError(for: targetName) { throw DiagnosticsError(error.diagnostics) }
            guard let target = fleet.manifest.target(named: targetName) else { return }
            var actions = target.actions
            if parts.count == 2 {
                guard let action = target.action(named: parts[1]) else {
                    let hint = Suggestions.hint(for: parts[1], in: target.actionNames)
                        ?? (target.actionNames.isEmpty ? "it has no actions"
                            : "its actions: " + target.actionNames.joined(separator: ", "))
                    throw DiagnosticsError("target '\(targetName)' has no action '\(parts[1])'", hint: hint)
                }
                actions = [action]
            }
            let cacheDirectory = cache.directory(for: fleet.workspace)
            let keys = try await WorkspaceKeys.compute(
                fleet: fleet, targets: [targetName], cacheDirectory: cacheDirectory,
                environment: ProcessInfo.processInfo.environment)
            console.report(keys.warnings)
            let history = ActionHistory.load(cacheDirectory: cacheDirectory, root: fleet.workspace.rootDirectory)
            let store = DiskCacheStore(directory: cacheDirectory)
            var explanations: [Explanation] = []
            for action in actions {
                guard let key = keys.keys.key(target: targetName, action: action.name) else { continue }
                let label = ActionReference(target: targetName, action: action.name)
                let current = KeyRecord(key: key, definition: KeyDefinition.action(action, in: target))
                let recorded = history.keyRecord(for: label)
                let entry = history.entries[label]
                var cached: Bool?
                if action.cache, action.run != nil { cached = await Self.isCached(key.key, in: store) }
                explanations.append(Explanation(
                    label: label, current: current, recorded: recorded, entry: entry, cacheable: action.cache,
                    isGroup: action.run == nil, cached: cached,
                    rootInRepository: fleet.workspace.rootPathInRepository))
            }
            console.output(json ? Explanation.json(explanations) : Explanation.text(explanations))
        }
    }

    /// Whether the cache has a usable result: the entry and every blob it needs.
    static func isCached(_ key: Fingerprint, in store: DiskCacheStore) async -> Bool {
        guard let result = await store.actionResult(for: key), result.exitCode == 0 else { return false }
        for blob in result.outputs.map(\.blob) + [result.stdout, result.stderr] {
            if await !store.containsBlob(blob.digest) { return false }
        }
        return true
    }
}

/// One action's explanation, and its renderings.
struct Explanation {
    var label: ActionReference
    var current: KeyRecord
    var recorded: KeyRecord?
    var entry: ActionHistory.Entry?
    var cacheable: Bool
    var isGroup: Bool
    /// nil when the action is never cached (group, `cache: false`).
    var cached: Bool?
    /// The root relative to the repository root: file paths are shown from the repository root, as in
    /// `fleet graph`.
    var rootInRepository: String

    var changes: [KeyChange] {
        let changes = recorded.map { KeyComparison.changes(from: $0, to: current) } ?? []
        return changes.map { change in
            guard case let .file(path, kind, global) = change else { return change }
            return .file(path: RelativePath.join(rootInRepository, path), kind: kind, global: global)
        }
    }

    /// `hit`, `run` (something changed, or the result is gone), `no-record`, `uncacheable`, `group`.
    var verdict: String {
        if isGroup { return "group" }
        if !cacheable { return "uncacheable" }
        if cached == true { return "hit" }
        if recorded == nil { return "no-record" }
        return "run"
    }

    static func text(_ explanations: [Explanation]) -> String {
        explanations.map(\.text).joined(separator: "\n\n")
    }

    var text: String {
        var lines = ["\(label)  key \(current.key.shortDescription)"]
        if let entry {
            lines[0] += "  (last run \(entry.runID): \(entry.status))"
        }
        let changes = self.changes
        if isGroup {
            lines.append("  a group action: done when its needs are, nothing is cached")
        } else if !cacheable {
            lines.append("  never answered from the cache (cache: false): it always runs")
        } else if let recorded {
            if recorded.key == current.key {
                if cached == true {
                    lines.append("  would be a hit: nothing changed since its last run, and the cache has the result")
                } else {
                    let why = entry?.status == "failed" ? "its last run failed, and failures are not cached"
                        : "the cache no longer has the result (removed by gc or clean, not stored, or another cache)"
                    lines.append("  would run: nothing changed since its last run, but \(why)")
                }
            } else {
                let count = changes.count
                let verdict = cached == true
                    ? "would be a hit anyway: the cache has a result for the new key (from another run)"
                    : "would run"
                lines.append("  \(verdict): \(count) change\(count == 1 ? "" : "s") since its last run")
                lines += Self.lines(for: changes, limit: 50)
            }
        } else {
            lines.append("  no record of a previous run of \(label) with this cache directory")
            lines.append(cached == true
                ? "  would be a hit: the cache has a result for its current key"
                : "  would run: the cache has no result for its current key")
        }
        return lines.joined(separator: "\n")
    }

    static func lines(for changes: [KeyChange], limit: Int) -> [String] {
        var lines: [String] = []
        for change in changes.prefix(limit) {
            switch change {
            case let .definition(field, old, new):
                lines.append("    manifest     \(field): \(show(old)) → \(show(new))")
            case let .file(path, kind, global):
                let what = kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
                lines.append("    \(what)\(path)\(global ? "  (global input)" : "")")
            case .globalsPatterns:
                lines.append("    manifest     globals: the patterns changed")
            case let .env(name, kind):
                let text: String = switch kind {
                case .set: "is now set (was unset)"
                case .unset: "is now unset"
                case .changed: "has a new value"
                case .declared: "is newly declared in env"
                case .undeclared: "is no longer declared in env"
                }
                lines.append("    env          \(name) \(text)")
            case let .need(label, kind):
                let text: String = switch kind {
                case .changed: "changed (see: fleet explain \(label.replacingOccurrences(of: "(sources)", with: "")))"
                case .added: "is newly needed"
                case .removed: "is no longer needed"
                }
                lines.append("    needs        \(label) \(text)")
            case .keyFormat:
                lines.append("    the key format changed (a newer fleet computes keys differently)")
            }
        }
        if changes.count > limit { lines.append("    … \(changes.count - limit) more (use --json for all)") }
        return lines
    }

    private static func show(_ values: [String]) -> String {
        if values.isEmpty { return "(none)" }
        return values.map { "'\($0)'" }.joined(separator: ", ")
    }

    static func json(_ explanations: [Explanation]) -> String {
        let items = explanations.map { e in
            JSONText.object([
                ("target", JSONText.quote(e.label.target)),
                ("action", JSONText.quote(e.label.action)),
                ("key", JSONText.quote(e.current.key.hex)),
                ("verdict", JSONText.quote(e.verdict)),
                ("cached", e.cached.map(JSONText.bool) ?? "null"),
                ("recordedKey", JSONText.optional(e.recorded?.key.hex)),
                ("lastRun", JSONText.optional(e.entry?.runID)),
                ("lastStatus", JSONText.optional(e.entry?.status)),
                ("changes", JSONText.array(e.changes.map(changeJSON))),
            ])
        }
        return JSONText.object([("schema", "1"), ("actions", JSONText.array(items))])
    }

    private static func changeJSON(_ change: KeyChange) -> String {
        switch change {
        case let .definition(field, old, new):
            return JSONText.object([
                ("kind", "\"manifest\""), ("field", JSONText.quote(field)), ("old", JSONText.strings(old)),
                ("new", JSONText.strings(new)),
            ])
        case let .file(path, kind, global):
            return JSONText.object([
                ("kind", "\"file\""), ("path", JSONText.quote(path)), ("change", JSONText.quote(kind.rawValue)),
                ("global", JSONText.bool(global)),
            ])
        case .globalsPatterns:
            return JSONText.object([("kind", "\"manifest\""), ("field", "\"globals\"")])
        case let .env(name, kind):
            return JSONText.object([
                ("kind", "\"env\""), ("name", JSONText.quote(name)), ("change", JSONText.quote(kind.rawValue)),
            ])
        case let .need(label, kind):
            return JSONText.object([
                ("kind", "\"need\""), ("label", JSONText.quote(label)), ("change", JSONText.quote(kind.rawValue)),
            ])
        case .keyFormat:
            return JSONText.object([("kind", "\"key-format\"")])
        }
    }
}
