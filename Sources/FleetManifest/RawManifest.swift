import FleetBasics

/// A field of the manifest: not written, written as null (meaning "the built-in default"), or given a value.
enum Field<Value> {
    case absent
    case null(SourceLocation)
    case value(Value)

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    /// This field when it was written (value or null), else `fallback`: how a target's field replaces a default.
    func overriding(_ fallback: Field<Value>) -> Field<Value> { isAbsent ? fallback : self }
}

/// The manifest as written, with locations, after type checks and before defaults, patterns and references are
/// resolved. Only ``ManifestDecoder`` creates it and only ``ManifestBuilder`` reads it.
struct RawManifest {
    var location: SourceLocation
    var version: Int?
    /// True when `version` is present but not 1: nothing else is checked then.
    var hasUnsupportedVersion = false
    var name: Located<String>?
    var root: Located<String>?
    var registry: Located<String>?
    var globals: [Located<String>] = []
    var inputSets: [RawInputSet] = []
    var defaults = RawDefaults()
    var targets: [RawTarget] = []
    var gitops: RawGitOps?
    var cache = CacheSettings()
}

struct RawInputSet {
    var name: Located<String>
    var entries: [Located<String>]
}

struct RawDefaults {
    var srcs: Field<[Located<String>]> = .absent
    var env: Field<[Located<String>]> = .absent
    var actions: [RawActionEntry] = []
}

struct RawTarget {
    var name: Located<String>
    var kind: Target.Kind
    var path: Located<String>?
    var description: String?
    var srcs: Field<[Located<String>]> = .absent
    var deps: [Located<String>] = []
    var env: Field<[Located<String>]> = .absent
    var image: RawImage?
    var actions: Field<[RawActionEntry]> = .absent
}

struct RawImage {
    var location: SourceLocation
    var name: Located<String>?
    var registry: Located<String>?
    var repository: Located<String>?
}

/// `name: {…}` or `name: null` (which removes an inherited action).
struct RawActionEntry {
    var name: Located<String>
    var action: RawAction?
}

struct RawAction {
    var location: SourceLocation
    var run: Field<Located<String>> = .absent
    var inputs: Field<[Located<String>]> = .absent
    var outputs: Field<[Located<String>]> = .absent
    var needs: Field<[Located<String>]> = .absent
    var env: Field<[Located<String>]> = .absent
    var timeout: Field<Located<Double>> = .absent
    var cache: Field<Located<Bool>> = .absent

    /// Field-by-field merge: every field this action writes replaces the default's.
    func merged(over base: RawAction) -> RawAction {
        var result = self
        result.run = run.overriding(base.run)
        result.inputs = inputs.overriding(base.inputs)
        result.outputs = outputs.overriding(base.outputs)
        result.needs = needs.overriding(base.needs)
        result.env = env.overriding(base.env)
        result.timeout = timeout.overriding(base.timeout)
        result.cache = cache.overriding(base.cache)
        return result
    }
}
