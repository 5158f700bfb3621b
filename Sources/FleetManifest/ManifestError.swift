public import FleetBasics
public import FleetYAML

/// Everything that can be wrong with finding, reading or validating a manifest. The loader reports every problem
/// of a manifest at once (as a ``DiagnosticsError`` of these cases' diagnostics, sorted by location).
public enum ManifestError: Error, Hashable, Sendable {
    // MARK: Finding and reading
    /// No `fleet.yaml` in the directory or any parent.
    case manifestNotFound(searchedFrom: String)
    /// `--manifest PATH` names nothing.
    case manifestMissing(path: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is larger than ``ManifestLoader/maxManifestSize``.
    case tooLarge(path: String, size: Int, limit: Int)

    // MARK: Document shape
    /// The YAML itself is malformed (libyaml's message and position), or an alias or merge is invalid.
    case yaml(YAMLError)
    case empty(at: SourceLocation)
    case multipleDocuments(count: Int, at: SourceLocation)
    case notAMapping(found: String, at: SourceLocation)

    // MARK: Keys and types
    /// `section` is "top level", "target 'api'", "action 'build'", "image", "defaults"…
    case unknownKey(String, section: String, allowed: [String], suggestion: String?, at: SourceLocation)
    case duplicateKey(String, at: SourceLocation, first: SourceLocation)
    case wrongType(key: String, expected: String, found: String, hint: String?, at: SourceLocation)
    case missingKey(String, section: String, hint: String?, at: SourceLocation)
    case reservedSection(String, at: SourceLocation)
    case unsupportedVersion(String, at: SourceLocation)
    case emptyValue(key: String, hint: String?, at: SourceLocation)

    // MARK: Names
    case invalidTargetName(String, suggestion: String?, at: SourceLocation)
    case invalidActionName(String, at: SourceLocation)
    case invalidInputSetName(String, at: SourceLocation)
    case nameClash(String, at: SourceLocation, libAt: SourceLocation)
    case invalidEnvName(String, at: SourceLocation)

    // MARK: Dependencies
    case unknownDependency(String, target: String, suggestion: String?, at: SourceLocation)
    case selfDependency(String, at: SourceLocation)
    case duplicateDependency(String, at: SourceLocation, first: SourceLocation)

    // MARK: Patterns and named input sets
    case unknownInputSet(String, suggestion: String, at: SourceLocation)
    case inputSetCycle([String], at: SourceLocation)
    case negatedInputSet(String, at: SourceLocation)
    case misplacedSrcs(at: SourceLocation)
    case invalidPattern(String, reason: String, at: SourceLocation)
    case patternOutsideRoot(String, at: SourceLocation)
    case directoryPattern(String, at: SourceLocation)

    // MARK: Paths
    case absolutePath(key: String, String, at: SourceLocation)
    case pathOutsideRoot(key: String, String, at: SourceLocation)
    /// `root` is the manifest's root as written (empty when it is the manifest's directory).
    case missingPath(key: String, String, root: String, suggestion: String?, at: SourceLocation)
    case notADirectory(key: String, String, at: SourceLocation)

    // MARK: Actions
    /// An own need that the targets listed do not define (one diagnostic for an entry inherited by many targets).
    case unknownOwnAction(need: String, action: String, targets: [String], suggestion: String?,
                          removedAt: SourceLocation?, at: SourceLocation)
    /// `^name` where no target of the fleet defines `name`.
    case unknownDependencyAction(String, suggestion: String?, at: SourceLocation)
    case invalidNeed(String, at: SourceLocation)
    case invalidTimeout(String, at: SourceLocation)
    case imageOnLib(String, at: SourceLocation)

    // MARK: GitOps
    /// A `{name}` placeholder the field does not know.
    case unknownPlaceholder(String, allowed: [String], suggestion: String?, at: SourceLocation)
    /// A problem specific to the `gitops:` section.
    case invalidGitOps(String, hint: String?, at: SourceLocation)
}

extension ManifestError: DiagnosticConvertible, CustomStringConvertible {
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    public var diagnostics: [Diagnostic] {
        switch self {
        case .yaml(let error): return error.diagnostics
        default: return [diagnostic]
        }
    }

    /// The location the diagnostic is reported at, when it has one.
    public var location: SourceLocation? { diagnostics.first?.location }

    var diagnostic: Diagnostic {
        switch self {
        case .manifestNotFound(let directory):
            return .error("no \(Workspace.manifestFileName) in \(directory) or any parent directory",
                          hint: "run fleet inside a workspace, or pass --manifest PATH")
        case .manifestMissing(let path):
            return .error("manifest '\(path)' does not exist",
                          hint: "--manifest takes a fleet.yaml file or a directory that contains one")
        case .unreadable(let path, let reason):
            return .error("cannot read '\(path)': \(reason)")
        case .tooLarge(let path, let size, let limit):
            return .error("'\(path)' is too large (\(size) bytes); a manifest may be at most "
                              + "\(limit / (1024 * 1024)) MiB",
                          at: SourceLocation(file: path, line: 1, column: 1),
                          hint: "is this the right file?")
        case .yaml(let error):
            return error.diagnostics[0]
        case .empty(let at):
            return .error("the manifest is empty", at: at, hint: "a manifest starts with 'version: 1'")
        case .multipleDocuments(let count, let at):
            return .error("the manifest must be a single YAML document, found \(count)", at: at,
                          hint: "remove the '---' document separators")
        case .notAMapping(let found, let at):
            return .error("the top level of the manifest must be a mapping, found \(found)", at: at,
                          hint: "a manifest starts with 'version: 1'")
        case .unknownKey(let key, let section, let allowed, let suggestion, let at):
            var d = Diagnostic.error("unknown key '\(key)' in \(section)", at: at,
                                     hint: suggestion.map { "did you mean '\($0)'?" })
            d.hints.append("allowed keys: " + allowed.joined(separator: ", "))
            return d
        case .duplicateKey(let key, let at, let first):
            return .error("duplicate key '\(key)'", at: at, notes: [.init("'\(key)' is first set here", at: first)])
        case .wrongType(let key, let expected, let found, let hint, let at):
            return .error("'\(key)': expected \(expected), found \(found)", at: at, hint: hint)
        case .missingKey(let key, let section, let hint, let at):
            return .error("\(section) is missing the required key '\(key)'", at: at, hint: hint)
        case .reservedSection(let key, let at):
            let what = key == "gitops" ? "GitOps" : "cache configuration"
            return .error("'\(key)' is not supported yet", at: at,
                          hint: "the \(what) section is reserved for a later version of fleet; remove it for now")
        case .unsupportedVersion(let found, let at):
            return .error("unsupported manifest version \(found)", at: at,
                          hint: "fleet \(FleetVersion.current) supports manifest version 1")
        case .emptyValue(let key, let hint, let at):
            return .error("'\(key)' must not be empty", at: at, hint: hint)
        case .invalidTargetName(let name, let suggestion, let at):
            var d = Diagnostic.error(
                "invalid target name '\(name)'", at: at,
                hint: "target names use lowercase letters, digits, '.', '_' and '-', start with a letter or digit, "
                    + "and have at most 63 characters")
            if let suggestion { d.hints.insert("did you mean '\(suggestion)'?", at: 0) }
            return d
        case .invalidActionName(let name, let at):
            return .error(
                "invalid action name '\(name)'", at: at,
                hint: "action names use lowercase letters, digits, '.', '_' and '-', start with a letter or digit, "
                    + "and have at most 63 characters")
        case .invalidInputSetName(let name, let at):
            return .error("invalid input set name '\(name)'", at: at,
                          hint: "input set names use letters, digits, '_' and '-' and start with a letter or '_'; "
                              + "'srcs' is reserved")
        case .nameClash(let name, let at, let libAt):
            return .error("'\(name)' is both a lib and a service", at: at,
                          hint: "names are shared by libs and services; rename one of them",
                          notes: [.init("the lib '\(name)' is defined here", at: libAt)])
        case .invalidEnvName(let name, let at):
            return .error("invalid environment variable name '\(name)'", at: at,
                          hint: "names match [A-Za-z_][A-Za-z0-9_]*")
        case .unknownDependency(let name, let target, let suggestion, let at):
            return .error("target '\(target)' depends on unknown target '\(name)'", at: at,
                          hint: suggestion.map { "did you mean '\($0)'?" })
        case .selfDependency(let name, let at):
            return .error("target '\(name)' depends on itself", at: at, hint: "remove '\(name)' from its deps")
        case .duplicateDependency(let name, let at, let first):
            return .error("duplicate dependency '\(name)'", at: at,
                          notes: [.init("'\(name)' is first listed here", at: first)])
        case .unknownInputSet(let name, let suggestion, let at):
            return .error("unknown named input set '\(name)'", at: at,
                          hint: "did you mean '\(suggestion)'? (to match a file called '\(name)', write './\(name)')")
        case .inputSetCycle(let names, let at):
            return .error("named input sets include each other: " + names.joined(separator: " → "), at: at)
        case .negatedInputSet(let name, let at):
            return .error("the named input set '\(name)' cannot be negated with '!'", at: at,
                          hint: "write the exclusions as patterns, or define a set of them")
        case .misplacedSrcs(let at):
            return .error("'srcs' can only be used in an action's inputs", at: at,
                          hint: "'srcs' stands for the target's srcs; write './srcs' for a file of that name")
        case .invalidPattern(let pattern, let reason, let at):
            return .error("invalid pattern '\(pattern)': \(reason)", at: at)
        case .patternOutsideRoot(let pattern, let at):
            return .error("pattern '\(pattern)' reaches outside the root", at: at,
                          hint: "patterns are relative to the target's directory; '//' starts at the root")
        case .directoryPattern(let pattern, let at):
            return .error("pattern '\(pattern)' names a directory, not files", at: at,
                          hint: "write '\(pattern == "." ? "**" : pattern + "/**")' for everything under it")
        case .absolutePath(let key, let path, let at):
            return .error("'\(key)' must be a relative path, found '\(path)'", at: at,
                          hint: key == "root" ? "root is relative to the directory of the manifest"
                              : "paths are relative to the root")
        case .pathOutsideRoot(let key, let path, let at):
            return .error(key == "root" ? "root '\(path)' is outside the directory of the manifest"
                              : "path '\(path)' is outside the root", at: at)
        case .missingPath(let key, let path, let resolved, let suggestion, let at):
            let what = key == "root" ? "root directory" : "path"
            let place = resolved.isEmpty ? "" : " in root '\(resolved)'"
            var d = Diagnostic.error("\(what) '\(path)' does not exist\(place)", at: at)
            if let suggestion { d.hints.append("did you mean '\(suggestion)'?") }
            return d
        case .notADirectory(let key, let path, let at):
            return .error("\(key == "root" ? "root" : "path") '\(path)' is not a directory", at: at)
        case .unknownOwnAction(let need, let action, let targets, let suggestion, let removedAt, let at):
            let whom: String
            if targets.count == 1 {
                whom = "target '\(targets[0])'"
            } else {
                let shown = targets.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                whom = "targets \(shown)" + (targets.count > 3 ? " and \(targets.count - 3) more" : "")
            }
            var d = Diagnostic.error("action '\(action)' needs '\(need)', which \(whom) "
                                         + (targets.count == 1 ? "does" : "do") + " not define", at: at)
            if let suggestion { d.hints.append("did you mean '\(suggestion)'?") }
            if let removedAt { d.notes.append(.init("'\(need)' is removed here", at: removedAt)) }
            if suggestion == nil {
                d.hints.append("write '^\(need)' to need '\(need)' of the target's dependencies")
            }
            return d
        case .unknownDependencyAction(let name, let suggestion, let at):
            return .error("'^\(name)' needs action '\(name)' of the dependencies, but no target defines '\(name)'",
                          at: at, hint: suggestion.map { "did you mean '^\($0)'?" })
        case .invalidNeed(let text, let at):
            return .error("invalid need '\(text)'", at: at,
                          hint: "write an action name ('build') or '^' and an action name ('^build')")
        case .invalidTimeout(let text, let at):
            return .error("invalid timeout '\(text)'", at: at,
                          hint: "use a positive number of seconds (90) or a duration such as 90s, 10m or 1h30m")
        case .imageOnLib(let name, let at):
            return .error("'image' is only allowed on services", at: at,
                          hint: "'\(name)' is a lib; libs are not deployed. Move it under 'services:' to give it "
                              + "an image")
        case .unknownPlaceholder(let name, let allowed, let suggestion, let at):
            var d = Diagnostic.error("unknown placeholder '{\(name)}'", at: at,
                                     hint: suggestion.map { "did you mean '{\($0)}'?" })
            d.hints.append("allowed here: " + allowed.map { "{\($0)}" }.joined(separator: ", "))
            return d
        case .invalidGitOps(let message, let hint, let at):
            return .error(message, at: at, hint: hint)
        }
    }
}
