import FleetBasics
import FleetTestSupport

@testable import FleetGit

/// The environment every repository under test is opened with: no user or system config (like the fixtures'
/// git CLI), and a pinned identity and date, so that libgit2 and the git oracle see the same configuration.
let pinnedEnvironment: [String: String] = [
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Fleet Bot", "GIT_AUTHOR_EMAIL": "bot@fleet.invalid", "GIT_AUTHOR_DATE": "@1700000000 +0000",
    "GIT_COMMITTER_NAME": "Fleet Bot", "GIT_COMMITTER_EMAIL": "bot@fleet.invalid",
    "GIT_COMMITTER_DATE": "@1700000000 +0000",
]

extension GitFixture {
    /// Opens the fixture with FleetGit (the code under test).
    func repository(environment: [String: String] = pinnedEnvironment) throws -> GitRepository {
        try GitRepository.open(at: path, environment: environment)
    }

    /// Output lines of a git command, without empty lines.
    func lines(_ arguments: String...) throws -> [String] {
        try git(arguments).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// NUL-separated output of a git command run with `-z`.
    func fields(_ arguments: [String]) throws -> [String] {
        try git(arguments).split(separator: "\0", omittingEmptySubsequences: true).map(String.init)
    }

    /// `git diff --name-status -M -z …` parsed into `FileChange.description`-like lines (`M\tpath`,
    /// `R100\told\tnew`), sorted; similarity scores below 100 become `~` (see ``comparable(_:)``).
    func nameStatus(_ arguments: [String]) throws -> [String] {
        var fields = try self.fields(["-c", "core.quotepath=off", "diff", "--name-status", "-M", "-z"] + arguments)[...]
        var lines: [String] = []
        while let status = fields.popFirst() {
            if status.hasPrefix("R") || status.hasPrefix("C") {
                guard let old = fields.popFirst(), let new = fields.popFirst() else { break }
                lines.append(comparable("\(status)\t\(old)\t\(new)"))
            } else {
                guard let path = fields.popFirst() else { break }
                lines.append("\(status)\t\(path)")
            }
        }
        return lines.sorted()
    }

    /// Writes a symlink at `relative` pointing to `target`.
    func symlink(_ relative: String, to target: String) throws {
        let full = directory.appending(relative)
        try FileSystem.createDirectory(FileSystem.parent(of: full))
        try? FileSystem.removeTree(full)
        guard Glibc.symlink(target, full) == 0 else {
            throw FixtureError("cannot create symlink \(relative): errno \(errno)")
        }
    }

    func remove(_ relative: String) throws { try FileSystem.removeTree(directory.appending(relative)) }

    func chmod(_ relative: String, _ mode: UInt32) throws {
        guard Glibc.chmod(directory.appending(relative), mode_t(mode)) == 0 else {
            throw FixtureError("cannot chmod \(relative)")
        }
    }
}

/// `FileChange` lines in `git diff --name-status` form, sorted; similarity scores below 100 become `~`.
func nameStatus(_ changes: [FileChange]) -> [String] { changes.map { comparable($0.description) }.sorted() }

/// libgit2 scores the similarity of inexact renames with its own metric (a point or two away from git's), so
/// comparisons with git keep exact renames (`R100`) and only the fact of an inexact one (`R~`).
func comparable(_ line: String) -> String {
    guard let first = line.first, first == "R" || first == "C", !line.hasPrefix("\(first)100\t"),
        let tab = line.firstIndex(of: "\t")
    else { return line }
    return "\(first)~" + line[tab...]
}

#if canImport(Glibc)
import Glibc
#endif
