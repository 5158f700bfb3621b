import FleetBasics
import FleetYAML

/// Reads the resolved YAML tree into a ``RawManifest``: checks keys, types and duplicates, and records every
/// problem instead of stopping at the first.
struct ManifestDecoder {
    static let topLevelKeys = ["version", "name", "root", "registry", "globals", "inputs", "defaults", "libs",
                               "services", "gitops", "cache"]
    static let reservedKeys: [String] = []
    static let defaultsKeys = ["srcs", "env", "actions"]
    static let targetKeys = ["path", "description", "srcs", "deps", "env", "image", "actions"]
    static let imageKeys = ["name", "registry", "repository"]
    static let actionKeys = ["run", "inputs", "outputs", "needs", "env", "timeout", "cache"]

    let file: String
    var problems: [ManifestError] = []

    init(file: String) { self.file = file }

    func location(_ node: YAMLNode) -> SourceLocation { node.location(in: file) }

    // MARK: - Top level

    mutating func decode(_ root: YAMLNode) -> RawManifest? {
        guard root.isMapping else {
            problems.append(.notAMapping(found: root.kindDescription, at: location(root)))
            return nil
        }
        var raw = RawManifest(location: location(root))
        let entries = keyed(root, section: "the top level", allowed: Self.topLevelKeys + Self.reservedKeys,
                            shownAllowed: Self.topLevelKeys)
        if let version = entries["version"] {
            decodeVersion(version, into: &raw)
            if raw.hasUnsupportedVersion { return raw }
        } else {
            problems.append(.missingKey("version", section: "the manifest",
                                        hint: "add 'version: 1' at the top", at: raw.location))
        }
        for (key, (keyNode, value)) in entries.ordered {
            switch key {
            case "version":
                break
            case "name": raw.name = optionalString(value, key: "name")
            case "root": raw.root = optionalString(value, key: "root")
            case "registry": raw.registry = optionalString(value, key: "registry")
            case "globals": raw.globals = stringList(value, key: "globals").value ?? []
            case "inputs": raw.inputSets = decodeInputSets(value)
            case "defaults": raw.defaults = decodeDefaults(value)
            case "libs": raw.targets += decodeTargets(value, kind: .lib)
            case "services": raw.targets += decodeTargets(value, kind: .service)
            case "gitops": raw.gitops = value.isNull ? nil : decodeGitOps(value, keyLocation: location(keyNode))
            case "cache": raw.cache = decodeCache(value)
            default: break
            }
        }
        return raw
    }

    private mutating func decodeVersion(_ entry: (key: YAMLNode, value: YAMLNode), into raw: inout RawManifest) {
        let value = entry.value
        if let number = value.int {
            if number == 1 {
                raw.version = 1
            } else {
                problems.append(.unsupportedVersion(String(number), at: location(value)))
                raw.hasUnsupportedVersion = true
            }
        } else if value.isScalar, value.scalarStyle == .plain, value.tag == nil, value.double != nil {
            problems.append(.unsupportedVersion(value.scalar ?? "", at: location(value)))
            raw.hasUnsupportedVersion = true
        } else {
            let hint = value.scalar == "1" ? "write the number without quotes: version: 1" : nil
            problems.append(.wrongType(key: "version", expected: "the integer 1", found: value.kindDescription,
                                       hint: hint, at: location(value)))
        }
    }

    private mutating func decodeInputSets(_ node: YAMLNode) -> [RawInputSet] {
        guard !node.isNull else { return [] }
        guard node.isMapping else {
            problems.append(.wrongType(key: "inputs", expected: "a mapping of set names to lists of patterns",
                                       found: node.kindDescription, hint: nil, at: location(node)))
            return []
        }
        var sets: [RawInputSet] = []
        for (name, keyNode, value) in uniquePairs(node) {
            let entries = stringList(value, key: "inputs.\(name)").value ?? []
            sets.append(RawInputSet(name: Located(name, at: location(keyNode)), entries: entries))
        }
        return sets
    }

    private mutating func decodeDefaults(_ node: YAMLNode) -> RawDefaults {
        var defaults = RawDefaults()
        guard !node.isNull else { return defaults }
        guard node.isMapping else {
            problems.append(.wrongType(key: "defaults", expected: "a mapping", found: node.kindDescription, hint: nil,
                                       at: location(node)))
            return defaults
        }
        let entries = keyed(node, section: "defaults", allowed: Self.defaultsKeys)
        for (key, (_, value)) in entries.ordered {
            switch key {
            case "srcs": defaults.srcs = stringList(value, key: "defaults.srcs")
            case "env": defaults.env = stringList(value, key: "defaults.env")
            case "actions": defaults.actions = decodeActions(value, owner: "defaults").value ?? []
            default: break
            }
        }
        return defaults
    }

    // MARK: - Targets

    private mutating func decodeTargets(_ node: YAMLNode, kind: Target.Kind) -> [RawTarget] {
        let section = kind == .lib ? "libs" : "services"
        guard !node.isNull else { return [] }
        guard node.isMapping else {
            problems.append(.wrongType(key: section, expected: "a mapping of target names to targets",
                                       found: node.kindDescription,
                                       hint: node.isSequence
                                           ? "write '\(section):' entries as 'name: {path: …}'" : nil,
                                       at: location(node)))
            return []
        }
        var targets: [RawTarget] = []
        for (name, keyNode, value) in uniquePairs(node) {
            targets.append(decodeTarget(value, name: Located(name, at: location(keyNode)), kind: kind))
        }
        return targets
    }

    private mutating func decodeTarget(_ node: YAMLNode, name: Located<String>, kind: Target.Kind) -> RawTarget {
        var target = RawTarget(name: name, kind: kind)
        lazy var section = "\(kind.rawValue) '\(name.value)'"  // only needed for messages
        guard node.isMapping || node.isNull else {
            problems.append(.wrongType(key: name.value, expected: "a mapping with at least 'path'",
                                       found: node.kindDescription,
                                       hint: node.isScalar ? "write '\(name.value): {path: \(node.scalar ?? "")}'"
                                           : nil, at: location(node)))
            return target
        }
        let entries = keyed(node, section: section, allowed: Self.targetKeys)
        for (key, (keyNode, value)) in entries.ordered {
            switch key {
            case "path":
                if value.isNull {
                    problems.append(.wrongType(key: "path", expected: "a directory relative to the root",
                                               found: "null", hint: "write 'path: .' for the root itself",
                                               at: location(value)))
                }
                target.path = optionalString(value, key: "path")
            case "description": target.description = optionalString(value, key: "description")?.value
            case "srcs": target.srcs = stringList(value, key: "srcs")
            case "deps": target.deps = stringList(value, key: "deps").value ?? []
            case "env": target.env = stringList(value, key: "env")
            case "image":
                if kind == .lib {
                    problems.append(.imageOnLib(name.value, at: location(keyNode)))
                } else {
                    target.image = decodeImage(value)
                }
            case "actions": target.actions = decodeActions(value, owner: section)
            default: break
            }
        }
        if target.path == nil, entries["path"] == nil {
            problems.append(.missingKey("path", section: section,
                                        hint: "add 'path: DIR', the target's directory relative to the root",
                                        at: name.location))
        }
        return target
    }

    private mutating func decodeImage(_ node: YAMLNode) -> RawImage? {
        guard node.isMapping else {
            let hint = node.isScalar && !node.isNull ? "write 'image: {name: \(node.scalar ?? "")}'" : nil
            problems.append(.wrongType(key: "image", expected: "a mapping", found: node.kindDescription, hint: hint,
                                       at: location(node)))
            return nil
        }
        var image = RawImage(location: location(node))
        for (key, (_, value)) in keyed(node, section: "image", allowed: Self.imageKeys).ordered {
            let text = optionalString(value, key: "image.\(key)")
            if let text, text.value.isEmpty {
                problems.append(.emptyValue(key: "image.\(key)", hint: nil, at: text.location))
                continue
            }
            switch key {
            case "name": image.name = text
            case "registry": image.registry = text
            case "repository": image.repository = text
            default: break
            }
        }
        return image
    }

    // MARK: - Actions

    private mutating func decodeActions(_ node: YAMLNode, owner: String) -> Field<[RawActionEntry]> {
        if node.isNull { return .null(location(node)) }
        guard node.isMapping else {
            problems.append(.wrongType(key: "actions", expected: "a mapping of action names to actions",
                                       found: node.kindDescription, hint: nil, at: location(node)))
            return .absent
        }
        var entries: [RawActionEntry] = []
        for (name, keyNode, value) in uniquePairs(node) {
            let located = Located(name, at: location(keyNode))
            if !NameRules.isValidName(name) { problems.append(.invalidActionName(name, at: located.location)) }
            if value.isNull {
                entries.append(RawActionEntry(name: located, action: nil))
            } else if value.isMapping {
                entries.append(RawActionEntry(name: located, action: decodeAction(value, name: name)))
            } else {
                let hint = value.isScalar ? "write '\(name): {run: \(value.scalar ?? "")}'" : nil
                problems.append(.wrongType(key: name, expected: "a mapping (or null to remove an inherited action)",
                                           found: value.kindDescription, hint: hint, at: location(value)))
            }
        }
        return .value(entries)
    }

    private mutating func decodeAction(_ node: YAMLNode, name: String) -> RawAction {
        var action = RawAction(location: location(node))
        for (key, (_, value)) in keyed(node, section: "action '\(name)'", allowed: Self.actionKeys).ordered {
            switch key {
            case "run":
                if value.isNull {
                    action.run = .null(location(value))
                } else if let text = optionalString(value, key: "run") {
                    if text.value.trimmingWhitespace().isEmpty {
                        problems.append(.emptyValue(key: "run", hint: "remove 'run' to make '\(name)' a group action",
                                                    at: text.location))
                    } else {
                        action.run = .value(text)
                    }
                }
            case "inputs": action.inputs = stringList(value, key: "inputs")
            case "outputs": action.outputs = stringList(value, key: "outputs")
            case "needs": action.needs = stringList(value, key: "needs")
            case "env": action.env = stringList(value, key: "env")
            case "timeout": action.timeout = decodeTimeout(value)
            case "cache": action.cache = decodeBool(value, key: "cache")
            default: break
            }
        }
        return action
    }

    private mutating func decodeTimeout(_ node: YAMLNode) -> Field<Located<Double>> {
        if node.isNull { return .null(location(node)) }
        if let seconds = node.int {
            guard seconds > 0 else {
                problems.append(.invalidTimeout(node.scalar ?? "", at: location(node)))
                return .absent
            }
            return .value(Located(Double(seconds), at: location(node)))
        }
        guard let text = node.scalar, node.double == nil, let seconds = Quantity.seconds(from: text) else {
            if node.isScalar {
                problems.append(.invalidTimeout(node.scalar ?? "", at: location(node)))
            } else {
                problems.append(.wrongType(key: "timeout", expected: "a number of seconds or a duration such as 10m",
                                           found: node.kindDescription, hint: nil, at: location(node)))
            }
            return .absent
        }
        return .value(Located(seconds, at: location(node)))
    }

    private mutating func decodeBool(_ node: YAMLNode, key: String) -> Field<Located<Bool>> {
        if node.isNull { return .null(location(node)) }
        if let value = node.bool { return .value(Located(value, at: location(node))) }
        var hint: String?
        if let text = node.scalar, YAMLScalar.isYAML11Bool(text) {
            hint = "YAML 1.2 reads '\(text)' as a string; write true or false"
        } else if let text = node.scalar, YAMLScalar.bool(text) != nil {
            hint = "write \(text) without quotes"
        }
        problems.append(.wrongType(key: key, expected: "true or false",
                                   found: node.scalarStyle == .plain && hint != nil ? "'\(node.scalar ?? "")'"
                                       : node.kindDescription, hint: hint, at: location(node)))
        return .absent
    }

    // MARK: - Typed readers

    /// A scalar's text; nil (with an error) for collections. Null gives nil without an error.
    mutating func optionalString(_ node: YAMLNode, key: String) -> Located<String>? {
        if node.isNull { return nil }
        guard let text = node.scalar else {
            problems.append(.wrongType(key: key, expected: "a string", found: node.kindDescription, hint: nil,
                                       at: location(node)))
            return nil
        }
        return Located(text, at: location(node))
    }

    /// A list of scalars, each as text.
    mutating func stringList(_ node: YAMLNode, key: String) -> Field<[Located<String>]> {
        if node.isNull { return .null(location(node)) }
        guard let items = node.items else {
            var hint: String?
            if let text = node.scalar {
                let shown = YAMLScalar.needsQuotes(text) ? "\"\(text)\"" : text
                hint = "write a list: \(key.split(separator: ".").last.map(String.init) ?? key): [\(shown)]"
            }
            problems.append(.wrongType(key: key, expected: "a list of strings", found: node.kindDescription,
                                       hint: hint, at: location(node)))
            return .absent
        }
        var result: [Located<String>] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let text = item.scalar, !item.isNull else {
                problems.append(.wrongType(key: key, expected: "a string in the list", found: item.kindDescription,
                                           hint: nil, at: location(item)))
                continue
            }
            result.append(Located(text, at: location(item)))
        }
        return .value(result)
    }

    // MARK: - Keys

    /// The pairs of a mapping with scalar keys, each key once (duplicates are reported and skipped).
    mutating func uniquePairs(_ node: YAMLNode) -> [(String, YAMLNode, YAMLNode)] {
        let pairs = node.pairs ?? []
        return uniqueKeys(node).map { key, index in (key, pairs[index].key, pairs[index].value) }
    }

    /// ``uniquePairs(_:)`` as each key and its pair's index in `node.pairs`, which copies no node.
    mutating func uniqueKeys(_ node: YAMLNode) -> [(key: String, index: Int)] {
        for duplicate in node.duplicateKeys() {
            problems.append(.duplicateKey(duplicate.key, at: location(duplicate.duplicate),
                                          first: location(duplicate.first)))
        }
        let pairs = node.pairs ?? []
        // Small mappings (almost all but `libs` and `services`) look for a repeated key by comparing.
        let hashesKeys = pairs.count > 16
        var seen = Set<String>()
        var result: [(key: String, index: Int)] = []
        result.reserveCapacity(pairs.count)
        for index in pairs.indices {
            let keyNode = pairs[index].key
            guard let key = keyNode.scalar, !keyNode.isSequence else {
                problems.append(.wrongType(key: "key", expected: "a string", found: keyNode.kindDescription,
                                           hint: nil, at: location(keyNode)))
                continue
            }
            let isRepeated = hashesKeys ? !seen.insert(key).inserted : result.contains { $0.key == key }
            if isRepeated { continue }
            result.append((key, index))
        }
        return result
    }

    /// The pairs of a mapping by key, after reporting unknown keys (with a suggestion and the allowed keys).
    mutating func keyed(_ node: YAMLNode, section: @autoclosure () -> String, allowed: [String],
                        shownAllowed: [String]? = nil) -> KeyedPairs
    {
        let pairs = node.pairs ?? []
        var result = KeyedPairs(pairs: pairs)
        for (key, index) in uniqueKeys(node) {
            guard allowed.contains(key) else {
                let shown = shownAllowed ?? allowed
                problems.append(.unknownKey(key, section: section(), allowed: shown,
                                            suggestion: Suggestions.closest(to: key, in: shown),
                                            at: location(pairs[index].key)))
                continue
            }
            result.append(key, at: index)
        }
        return result
    }
}

/// Known keys of one mapping, in document order, with lookup by key. Holds the mapping's pairs and the positions
/// of the known ones: nodes are copied only when read.
struct KeyedPairs {
    private let pairs: [YAMLPair]
    private var known: [(key: String, index: Int)] = []

    init(pairs: [YAMLPair] = []) {
        self.pairs = pairs
        known.reserveCapacity(pairs.count)
    }

    /// The known keys with their key and value nodes, in document order.
    var ordered: some Sequence<(String, (key: YAMLNode, value: YAMLNode))> {
        known.lazy.map { [pairs] in ($0.key, (pairs[$0.index].key, pairs[$0.index].value)) }
    }

    mutating func append(_ key: String, at index: Int) {
        known.append((key, index))
    }

    subscript(key: String) -> (key: YAMLNode, value: YAMLNode)? {
        known.first { $0.key == key }.map { (pairs[$0.index].key, pairs[$0.index].value) }
    }
}
