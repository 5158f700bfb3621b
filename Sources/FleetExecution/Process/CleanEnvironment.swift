import Glibc

/// The environment an action runs with: a handful of variables from fleet's own environment, the action's declared
/// variables, and fleet's own `FLEET_*` variables — nothing else, so a build does not depend on whatever the user's
/// shell exported.
///
/// Compute it once per build with ``current()`` and derive each action's environment with
/// ``forAction(target:action:root:declared:)``. The passed-through values (``base``) are inputs of every action:
/// include them in action keys.
public struct CleanEnvironment: Sendable, Hashable {
    /// The variables taken from fleet's environment.
    public static let passedThrough = ["PATH", "HOME", "LANG", "TMPDIR"]

    /// The passed-through variables and their values (always all four).
    public let base: [String: String]

    /// Picks the passed-through variables from `parent`; a variable that is missing or empty gets its fallback:
    /// `PATH` `/usr/local/bin:/usr/bin:/bin`, `HOME` the user's home directory from the password database (or `/`),
    /// `LANG` `C.UTF-8`, `TMPDIR` `/tmp`.
    public init(parent: [String: String]) {
        var base: [String: String] = [:]
        for name in Self.passedThrough {
            if let value = parent[name], !value.isEmpty {
                base[name] = value
            } else {
                base[name] = Self.fallback(for: name)
            }
        }
        self.base = base
    }

    /// The clean environment of the running process.
    public static func current() -> CleanEnvironment {
        var parent: [String: String] = [:]
        for name in passedThrough {
            if let value = getenv(name) { parent[name] = String(cString: value) }
        }
        return CleanEnvironment(parent: parent)
    }

    /// `base`, then `declared` (which may override a passed-through variable, e.g. `LANG`), then `FLEET_TARGET`,
    /// `FLEET_ACTION` and `FLEET_ROOT`, which always win.
    public func forAction(target: String, action: String, root: String, declared: [String: String] = [:])
        -> [String: String]
    {
        merging(declared).merging(["FLEET_TARGET": target, "FLEET_ACTION": action, "FLEET_ROOT": root]) { $1 }
    }

    /// `base` with `extra` added; `extra` wins on conflicts.
    public func merging(_ extra: [String: String]) -> [String: String] {
        base.merging(extra) { $1 }
    }

    // MARK: - Fallbacks

    private static func fallback(for name: String) -> String {
        switch name {
        case "PATH": "/usr/local/bin:/usr/bin:/bin"
        case "HOME": homeDirectoryFromPasswordDatabase() ?? "/"
        case "LANG": "C.UTF-8"
        default: "/tmp"  // TMPDIR
        }
    }

    private static func homeDirectoryFromPasswordDatabase() -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let code = getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result)
        guard code == 0, result != nil, let directory = entry.pw_dir else { return nil }
        let home = String(cString: directory)
        return home.isEmpty ? nil : home
    }
}
