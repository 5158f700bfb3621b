import FleetBasics
public import FleetGit

/// Chooses the base revision of `fleet affected` and `fleet run --affected`.
public enum BaseResolver {
    /// The chosen base and how it was chosen (for `--verbose` and error messages).
    public struct Choice: Sendable {
        /// nil: the empty tree (the repository has no commits yet, so everything is new).
        public var commit: ObjectID?
        public var explanation: String
    }

    /// The candidates for the default base, in order: the first that exists is merged with HEAD.
    public static let defaultCandidates = ["origin/HEAD", "origin/main", "main", "master"]

    /// Resolves the base: `explicit` (`--base`) as given; else `$FLEET_BASE` as given; else, on a GitHub pull
    /// request (`$GITHUB_BASE_REF`), the merge-base of HEAD with `origin/$GITHUB_BASE_REF`; else the merge-base of
    /// HEAD with the first of ``defaultCandidates`` that exists. In a repository without commits, the empty tree.
    ///
    /// - Throws: ``GitError`` or ``DiagnosticsError`` saying what is missing and what to fetch.
    public static func resolve(explicit: String?, repository: GitRepository, environment: [String: String])
        throws -> Choice
    {
        if let explicit {
            return Choice(commit: try repository.resolveCommit(explicit), explanation: "--base \(explicit)")
        }
        if let base = environment["FLEET_BASE"], !base.isEmpty {
            return Choice(commit: try repository.resolveCommit(base), explanation: "$FLEET_BASE=\(base)")
        }
        guard let head = try repository.headCommit() else {
            return Choice(commit: nil, explanation: "the empty tree (the repository has no commits yet)")
        }
        if let ref = environment["GITHUB_BASE_REF"], !ref.isEmpty {
            let name = "origin/\(ref)"
            let target: ObjectID
            do {
                target = try repository.resolveCommit(name)
            } catch {
                var diagnostic = Diagnostic(
                    .error, "the pull request's base branch \(name) ($GITHUB_BASE_REF) is not in this clone",
                    hint: "fetch it: actions/checkout with fetch-depth: 0, or git fetch origin \(ref)")
                diagnostic.hints.append("or pass --base REV, or --fallback all to treat every target as affected")
                throw DiagnosticsError(diagnostic)
            }
            return Choice(
                commit: try mergeBase(head, target, name: name, repository: repository),
                explanation: "merge-base of HEAD and \(name) ($GITHUB_BASE_REF)")
        }
        for name in defaultCandidates {
            guard let target = try? repository.resolveCommit(name) else { continue }
            return Choice(
                commit: try mergeBase(head, target, name: name, repository: repository),
                explanation: "merge-base of HEAD and \(name)")
        }
        throw DiagnosticsError(
            "cannot choose a base revision: none of \(defaultCandidates.joined(separator: ", ")) exists",
            hint: repository.isShallow
                ? "this is a shallow clone: fetch the base branch (actions/checkout: fetch-depth: 0), or pass --base REV"
                : "pass --base REV (a branch, tag or commit) or set FLEET_BASE")
    }

    private static func mergeBase(_ head: ObjectID, _ other: ObjectID, name: String, repository: GitRepository)
        throws -> ObjectID
    {
        let base: ObjectID?
        do {
            base = try repository.mergeBase(head, other)
        } catch {
            if repository.isShallow { throw shallowMergeBase(name) }
            throw error
        }
        guard let base else {
            if repository.isShallow { throw shallowMergeBase(name) }
            throw DiagnosticsError(
                "HEAD and \(name) have no common ancestor",
                hint: "pass --base REV to compare with a specific revision")
        }
        return base
    }

    private static func shallowMergeBase(_ name: String) -> DiagnosticsError {
        DiagnosticsError(
            "cannot find where HEAD branched from \(name): this is a shallow clone and the history is cut off",
            hint: "fetch full history (actions/checkout: fetch-depth: 0, or git fetch --unshallow), "
                + "or pass --fallback all to treat every target as affected")
    }
}
