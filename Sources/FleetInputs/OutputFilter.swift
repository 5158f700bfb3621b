import FleetBasics
public import FleetManifest

/// Declared outputs are never inputs: a file matched by any action's `outputs` is left out of every input set,
/// whatever target it is in. Outputs are represented in keys by the key of the action that produces them, so
/// excluding them keeps keys independent of whether a build has run (and of stale artefacts on disk).
public struct OutputFilter: Sendable {
    private var index = PrefixIndex<GlobList>()
    /// The canonical text of all output patterns, to tell whether two manifests exclude the same files.
    public let signature: [String]

    public init(manifest: Manifest) {
        var signature: [String] = []
        for target in manifest.targets {
            for action in target.actions where !action.outputs.patterns.isEmpty {
                let globs = action.outputs.globs
                for prefix in globs.inclusionPrefixes { index.insert(globs, prefix: prefix) }
                signature.append("\(target.name):\(action.name)=" + action.outputs.patterns.joined(separator: "\u{1F}"))
            }
        }
        self.signature = signature.sorted()
    }

    /// True when no action declares outputs.
    public var isEmpty: Bool { index.isEmpty }

    /// Whether the root-relative `path` is a declared output of some action.
    public func isOutput(_ path: String) -> Bool {
        if index.isEmpty { return false }
        var found = false
        index.forEachCandidate(of: path) { globs in
            if !found, globs.matches(path) { found = true }
        }
        return found
    }
}

