import FleetBasics
import FleetCache
import FleetExecution
import FleetGit
import FleetGraph
import FleetInputs
import FleetManifest
import FleetPlanning

/// `--affected`: the targets the change between the base and the head affects.
enum AffectedSelection {
    static func compute(
        workspace: Workspace, base: String?, head: String?, environment: [String: String], console: Console
    ) async throws -> AffectedReport {
        let repository: GitRepository
        do {
            repository = try GitRepository.discover(startingAt: workspace.manifestDirectory)
        } catch {
            throw DiagnosticsError(
                "--affected needs a git repository, and \(workspace.displayPath) is not in one",
                hint: "run it inside a git checkout, or leave out --affected to run every target")
        }
        let analyzer = try AffectedAnalyzer(repository: repository, workspace: workspace)
        let headSide: AffectedAnalyzer.Head = try head.map { .commit(try repository.resolveCommit($0)) } ?? .workingTree
        let choice = try BaseResolver.resolve(explicit: base, repository: repository, environment: environment)
        console.info("base: \(choice.commit?.description ?? "empty tree") (\(choice.explanation))")
        let report = try await analyzer.analyze(base: choice.commit, head: headSide)
        console.info("affected: \(report.affected.map(\.name).joined(separator: ", "))")
        return report
    }
}

/// `fleet run --dry-run`: the plan, with each action's key and whether the cache would answer it.
enum DryRun {
    struct Row {
        var action: PlannedAction
        /// `hit`, `miss`, `no-cache`, `uncacheable`, `group`.
        var cache: String
        var reason: String
    }

    static func rows(plan: ActionPlan, cacheDirectory: String?) async -> [Row] {
        let store = cacheDirectory.map { DiskCacheStore(directory: $0) }
        var rows: [Row] = []
        for action in plan.actions {
            if action.isGroup {
                rows.append(Row(action: action, cache: "group", reason: "group: done when its needs are"))
            } else if !action.cacheable {
                rows.append(Row(action: action, cache: "uncacheable", reason: "not cacheable (cache: false): runs"))
            } else if let store {
                guard let result = await store.actionResult(for: action.fingerprint) else {
                    rows.append(Row(action: action, cache: "miss", reason: "miss: no entry"))
                    continue
                }
                var missing: String?
                for blob in result.outputs.map(\.blob) + [result.stdout, result.stderr] {
                    if await !store.containsBlob(blob.digest) {
                        missing = blob.digest.hex
                        break
                    }
                }
                if result.exitCode != 0 {
                    rows.append(Row(action: action, cache: "miss", reason: "miss: the entry records a failure"))
                } else if let missing {
                    rows.append(Row(action: action, cache: "miss", reason: "miss: blob \(missing) is missing"))
                } else {
                    rows.append(Row(action: action, cache: "hit", reason: "hit"))
                }
            } else {
                rows.append(Row(action: action, cache: "no-cache", reason: "runs (--no-cache)"))
            }
        }
        return rows
    }

    static func text(_ rows: [Row]) -> String {
        guard !rows.isEmpty else { return "nothing to run" }
        let width = rows.map { $0.action.label.description.count }.max() ?? 0
        var lines = rows.map { row in
            let label = row.action.label.description
            let padding = String(repeating: " ", count: width - label.count)
            return "\(label)\(padding)  \(row.action.fingerprint.shortDescription)  \(row.reason)"
        }
        let hits = rows.filter { $0.cache == "hit" }.count
        let toRun = rows.filter { $0.cache != "hit" && $0.cache != "group" }.count
        lines.append("\(rows.count) action\(rows.count == 1 ? "" : "s"): \(hits) cached, \(toRun) to run")
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [Row]) -> String {
        let items = rows.map { row in
            JSONText.object([
                ("target", JSONText.quote(row.action.label.target)),
                ("action", JSONText.quote(row.action.label.action)),
                ("key", JSONText.quote(row.action.fingerprint.hex)),
                ("command", JSONText.optional(row.action.command)),
                ("cache", JSONText.quote(row.cache)),
                ("reason", JSONText.quote(row.reason)),
                ("requested", JSONText.bool(row.action.requested)),
                ("needs", JSONText.strings(row.action.needs.map { rows[$0].action.label.description })),
            ])
        }
        return JSONText.object([("schema", "1"), ("actions", JSONText.array(items))])
    }
}
