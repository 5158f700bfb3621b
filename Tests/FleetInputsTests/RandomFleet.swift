import FleetBasics
import FleetGraph
import FleetManifest

/// SplitMix64: a tiny seeded generator, so that a failing seed reproduces exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
    mutating func subset<T>(_ items: [T], probability: Double) -> [T] { items.filter { _ in chance(probability) } }
}

// MARK: - The model of a fleet.yaml

/// An action as written (in `defaults` or a target): nil fields are not written.
struct ActionSpec: Equatable {
    var run: String?
    var inputs: [String]?
    var outputs: [String]?
    var needs: [String]?
    var env: [String]?
    /// Fields that are not part of any key: `timeout`, `cache`.
    var noise = false
}

/// A target's entry for one action: its fields, or `null` (removes the inherited action).
enum ActionEntry: Equatable {
    case spec(ActionSpec)
    case removed
}

struct TargetSpec: Equatable {
    var name: String
    var isService: Bool
    var path: String
    var srcs: [String]?
    var deps: [String] = []
    var env: [String]?
    /// `actions: null`: no actions at all, whatever `defaults` says.
    var actionsNull = false
    var actions: [String: ActionEntry] = [:]
    var description: String?
}

struct FleetSpec: Equatable {
    /// `root:` as written (relative to the manifest's directory); "" for none.
    var root: String
    var globals: [String]?
    var sets: [String: [String]] = [:]
    var defaultSrcs: [String]?
    var defaultActions: [String: ActionSpec] = [:]
    var targets: [TargetSpec]
    /// Targets of the motifs below, edited more often than the others.
    var focus: [String] = []

    func target(_ name: String) -> TargetSpec? { targets.first { $0.name == name } }
}

/// Which features a seed's fleet and history use, and how often ("swarm testing": a bug that needs one feature
/// and the absence of another is found far sooner when each run leaves some features out).
struct Swarm {
    var globals: Double
    var defaults: Double
    var outputs: Double
    var noActions: Double
    var removedActions: Double
    var narrowInputs: Double
    var caretNeeds: Double
    var ownNeeds: Double
    var deps: Double
    var overlappingPaths: Bool
    var manifestEdits: Double

    init(_ random: inout SeededRandom) {
        let level = { (random: inout SeededRandom, high: Double) in random.pick([0, high / 3, high]) }
        globals = level(&random, 0.6)
        defaults = level(&random, 0.9)
        outputs = level(&random, 0.5)
        noActions = level(&random, 0.45)
        removedActions = level(&random, 0.4)
        narrowInputs = level(&random, 0.6)
        caretNeeds = random.pick([0.3, 0.9])
        ownNeeds = random.pick([0.2, 0.8])
        deps = random.pick([0.25, 0.5, 0.7])
        overlappingPaths = random.chance(0.4)
        manifestEdits = random.pick([0.05, 0.2, 0.4])
    }
}

/// Generates random small fleets and random edits of them. Everything it makes is meant to be valid: callers check
/// with the real loader and retry.
struct FleetGenerator {
    static let actionNames = ["build", "test", "lint"]
    static let targetNames = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"]
    /// Target directories (root-relative); repeated and nested ones on purpose.
    static let paths = ["libs/a", "libs/b", "libs/c", "svc/x", "svc/y", "svc/z", "tools", "svc/x/plugin", "libs/a",
                        "."]
    static let distinctPaths = ["libs/a", "libs/b", "libs/c", "svc/x", "svc/y", "svc/z", "tools", "apps/w"]
    /// Patterns relative to a target (or to the root, for globals).
    static let inclusions = ["**", "*.c", "**/*.c", "util/**", "tests/**", "main.c", "util/", "[mu]*.c", "?ain.c",
                             "//shared/*.json", "//go.work", "//shared/**", "dist/**", "**/.env", "*"]
    static let exclusions = ["!tests/**", "!**/*.md", "!util/**", "!*.bin", "!dist/**", "!**/*.json", "!main.c"]
    static let outputs = ["dist/**", "out/", "*.bin", "util/gen.c", "**/*.o", "gen/**"]
    static let setNames = ["prod", "code", "shared"]

    var random: SeededRandom
    var swarm: Swarm

    init(random: SeededRandom) {
        self.random = random
        swarm = Swarm(&self.random)
    }

    mutating func patterns(allowSets: Bool) -> [String] {
        var list: [String] = []
        if allowSets, random.chance(0.3) { list.append(random.pick(Self.setNames)) } else {
            list.append(random.pick(Self.inclusions))
        }
        for _ in 0..<random.int(0...2) {
            if random.chance(0.6) {
                list.append(random.pick(Self.exclusions))
            } else if allowSets, random.chance(0.2) {
                list.append(random.pick(Self.setNames))
            } else {
                list.append(random.pick(Self.inclusions))
            }
        }
        return list
    }

    mutating func command() -> String { random.pick(["make", "./build.sh", "npm test", "cargo build", "go vet"])
        + (random.chance(0.3) ? " -v" : "") }

    mutating func actionSpec(name: String, full: Bool) -> ActionSpec {
        var spec = ActionSpec()
        if full || random.chance(0.5) { spec.run = random.chance(0.1) ? nil : command() }
        if random.chance(full ? 0.5 : 0.3) {
            spec.inputs = random.chance(0.3) ? ["srcs"] : patterns(allowSets: true)
        } else if name != "build", random.chance(swarm.narrowInputs) {
            // Narrow inputs: the action's key then changes through what it needs more than through files.
            spec.inputs = [random.pick(["tests/**", "*.md", "util/**"])]
        }
        if random.chance(full ? swarm.outputs : swarm.outputs / 2) { spec.outputs = [random.pick(Self.outputs)] }
        if random.chance(full ? 0.8 : 0.4) {
            var needs: [String] = []
            if random.chance(swarm.caretNeeds) {
                needs.append("^" + random.pick(["build", "build", "lint", "test", "test"]))
            }
            if let index = Self.actionNames.firstIndex(of: name), index > 0, random.chance(swarm.ownNeeds) {
                needs.append(Self.actionNames[random.int(0...(index - 1))])
            }
            spec.needs = needs
        }
        if random.chance(0.15) { spec.env = [random.pick(["REGION", "MODE"])] }
        spec.noise = random.chance(0.15)
        return spec
    }

    mutating func target(name: String, existing: [String]) -> TargetSpec {
        var target = TargetSpec(name: name, isService: random.chance(0.5),
                                path: random.pick(swarm.overlappingPaths ? Self.paths : Self.distinctPaths))
        if random.chance(0.4) { target.srcs = patterns(allowSets: true) }
        target.deps = random.subset(existing, probability: swarm.deps)
        if random.chance(0.15) { target.env = ["CI"] }
        if random.chance(swarm.noActions) {
            target.actionsNull = true
        } else {
            for action in Self.actionNames where random.chance(0.45) {
                target.actions[action] = random.chance(swarm.removedActions)
                    ? .removed : .spec(actionSpec(name: action, full: false))
            }
        }
        if random.chance(0.2) { target.description = "target \(name)" }
        return target
    }

    mutating func fleet(root: String) -> FleetSpec {
        var spec = FleetSpec(root: root, targets: [])
        if random.chance(swarm.globals) {
            spec.globals = random.pick([["//go.work"], ["go.work", "shared/*.json"], ["shared/**", "!shared/*.md"],
                                        ["prod"]])
        }
        spec.sets["prod"] = ["**", "!tests/**", "!**/*.md"]
        if random.chance(0.5) { spec.sets["code"] = ["**/*.c", "!**/gen.c"] }
        spec.sets["shared"] = ["//shared/**"]
        if random.chance(0.3) { spec.defaultSrcs = patterns(allowSets: true) }
        if random.chance(swarm.defaults) {
            spec.defaultActions["build"] = actionSpec(name: "build", full: true)
            if random.chance(0.7) { spec.defaultActions["test"] = actionSpec(name: "test", full: true) }
        }
        var names: [String] = []
        for name in Self.targetNames.prefix(random.int(3...5)) {
            spec.targets.append(target(name: name, existing: names))
            names.append(name)
        }
        // Motifs: structures where one wrong step of the fast path shows, each in its own directories.
        let build = ActionSpec(run: "make", needs: ["^build"])
        if random.chance(0.5) {
            // `^build` falls back through a target without actions to the build of what that one depends on.
            spec.targets.append(TargetSpec(name: "m-lib", isService: false, path: "chain/lib",
                                           actions: ["build": .spec(ActionSpec(run: "make"))]))
            spec.targets.append(TargetSpec(name: "m-src", isService: false, path: "chain/src", deps: ["m-lib"],
                                           actionsNull: true))
            spec.targets.append(TargetSpec(name: "m-app", isService: true, path: "chain/app", deps: ["m-src"],
                                           actions: ["build": .spec(build)]))
            spec.focus += ["m-lib", "m-src", "m-app"]
        }
        if random.chance(0.5) {
            // `^test` on a lib whose test needs its build but reads only tests/: the build reaches the dependent
            // only through the test's own need.
            spec.targets.append(TargetSpec(name: "t-lib", isService: false, path: "needs/lib", actions: [
                "build": .spec(ActionSpec(run: "make", inputs: ["**", "!tests/**"], needs: [])),
                "test": .spec(ActionSpec(run: "test", inputs: ["tests/**"], needs: ["build"])),
            ]))
            spec.targets.append(TargetSpec(name: "t-app", isService: true, path: "needs/app", deps: ["t-lib"],
                                           actions: ["build": .spec(ActionSpec(run: "make", needs: ["^test"]))]))
            spec.focus += ["t-lib", "t-app"]
        }
        if random.chance(0.5) {
            // A target that sees every file of the root: declared outputs of others are the only thing keeping
            // them out of its key.
            spec.targets.append(TargetSpec(name: "everything", isService: true, path: ".", srcs: ["**"],
                                           actions: ["build": .spec(ActionSpec(run: "pack", needs: []))]))
            spec.focus.append("everything")
        }
        return spec
    }

    // MARK: - Edits of the manifest

    /// One random edit; returns a short description for failure messages.
    mutating func mutate(_ spec: inout FleetSpec) -> String {
        let names = spec.targets.map(\.name)
        var index = random.int(0...(spec.targets.count - 1))
        var edit = random.int(0...14)
        if !spec.focus.isEmpty, random.chance(0.5),
            let focused = names.firstIndex(of: random.pick(spec.focus))
        {
            // A motif target: mostly a changed command, actions that appear or disappear, or changed outputs.
            index = focused
            edit = random.pick([0, 0, 9, 9, 14, 14, 14, 2, 1])
        }
        let name = spec.targets[index].name
        switch edit {
        case 0:
            let action = random.pick(Self.actionNames)
            var entry = ActionSpec()
            if case .spec(let existing)? = spec.targets[index].actions[action] { entry = existing }
            entry.run = command() + " --changed"
            spec.targets[index].actions[action] = .spec(entry)
            return "\(name): run of \(action)"
        case 1:
            let earlier = Array(names.prefix(index))
            if let dep = earlier.isEmpty ? nil : random.pick(earlier) {
                if let position = spec.targets[index].deps.firstIndex(of: dep) {
                    spec.targets[index].deps.remove(at: position)
                    return "\(name): removed dep \(dep)"
                }
                spec.targets[index].deps.append(dep)
                return "\(name): added dep \(dep)"
            }
            return "nothing"
        case 2:
            let action = random.pick(Self.actionNames)
            if random.chance(0.5), spec.defaultActions[action] != nil {
                spec.defaultActions[action]?.outputs = random.chance(0.3) ? nil : [random.pick(Self.outputs)]
                return "defaults: outputs of \(action)"
            }
            var entry = ActionSpec()
            if case .spec(let existing)? = spec.targets[index].actions[action] { entry = existing }
            entry.outputs = random.chance(0.3) ? nil : [random.pick(Self.outputs)]
            spec.targets[index].actions[action] = .spec(entry)
            return "\(name): outputs of \(action)"
        case 3:
            let set = random.pick(Self.setNames)
            spec.sets[set] = patterns(allowSets: false)
            return "named set \(set)"
        case 4:
            let newName = name + "-r"
            guard !names.contains(newName), newName.count < 40 else { return "nothing" }
            spec.targets[index].name = newName
            for i in spec.targets.indices {
                spec.targets[i].deps = spec.targets[i].deps.map { $0 == name ? newName : $0 }
            }
            return "renamed \(name) to \(newName)"
        case 5:
            guard let newName = Self.targetNames.first(where: { !names.contains($0) }) else { return "nothing" }
            spec.targets.append(target(name: newName, existing: names))
            return "added target \(newName)"
        case 6:
            guard spec.targets.count > 2 else { return "nothing" }
            spec.targets.remove(at: index)
            for i in spec.targets.indices { spec.targets[i].deps.removeAll { $0 == name } }
            return "removed target \(name)"
        case 7:
            spec.targets[index].srcs = random.chance(0.3) ? nil : patterns(allowSets: true)
            return "\(name): srcs"
        case 8:
            spec.globals = random.chance(0.3) ? nil : random.pick([["//go.work"], ["go.work", "shared/*.json"],
                                                                  ["shared/**"], ["code"]])
            return "globals"
        case 9:
            spec.targets[index].actionsNull.toggle()
            return "\(name): actions null toggled"
        case 10:
            spec.targets[index].env = random.chance(0.5) ? nil : [random.pick(["CI", "REGION"])]
            return "\(name): env"
        case 11:
            spec.targets[index].description = random.chance(0.5) ? nil : "changed \(random.int(0...99))"
            let action = random.pick(Self.actionNames)
            if case .spec(var entry)? = spec.targets[index].actions[action] {
                entry.noise.toggle()
                spec.targets[index].actions[action] = .spec(entry)
            }
            return "\(name): fields outside the key"
        case 12:
            let action = random.pick(Self.actionNames)
            if random.chance(0.5) {
                spec.defaultActions[action] = random.chance(0.25) ? nil : actionSpec(name: action, full: true)
                return "defaults: \(action)"
            }
            spec.defaultActions[action]?.run = command() + " --d"
            return "defaults: run of \(action)"
        case 13:
            spec.defaultSrcs = random.chance(0.4) ? nil : patterns(allowSets: true)
            return "defaults: srcs"
        default:
            let action = random.pick(Self.actionNames)
            spec.targets[index].actions[action] = random.chance(0.4)
                ? (spec.targets[index].actions[action] == nil ? .removed : nil)
                : .spec(actionSpec(name: action, full: random.chance(0.5)))
            return "\(name): action \(action) replaced"
        }
    }

    // MARK: - Making it valid

    /// Drops needs that validation would reject: own needs on actions the target does not have after merging, and
    /// `^name` where no target defines `name`.
    static func repair(_ spec: inout FleetSpec) {
        func merged(_ target: TargetSpec) -> [String: ActionSpec] {
            if target.actionsNull { return [:] }
            var result = spec.defaultActions
            for (name, entry) in target.actions {
                switch entry {
                case .removed: result[name] = nil
                case .spec(let own):
                    var base = result[name] ?? ActionSpec()
                    if let run = own.run { base.run = run }
                    if let inputs = own.inputs { base.inputs = inputs }
                    if let outputs = own.outputs { base.outputs = outputs }
                    if let needs = own.needs { base.needs = needs }
                    if let env = own.env { base.env = env }
                    result[name] = base
                }
            }
            return result
        }
        let defined = Set(spec.targets.flatMap { merged($0).keys })
        // `defaults` is checked where it is written, even where no target inherits it.
        for (name, action) in spec.defaultActions {
            spec.defaultActions[name]?.needs = action.needs?.filter { need in
                need.hasPrefix("^") ? defined.contains(String(need.dropFirst())) : true
            }
        }
        for i in spec.targets.indices {
            let actions = merged(spec.targets[i])
            for (name, action) in actions {
                let needs = action.needs ?? []
                let valid = needs.filter { need in
                    need.hasPrefix("^") ? defined.contains(String(need.dropFirst())) : actions[need] != nil
                }
                if valid != needs {
                    var own = ActionSpec()
                    if case .spec(let existing)? = spec.targets[i].actions[name] { own = existing }
                    own.needs = valid
                    spec.targets[i].actions[name] = .spec(own)
                }
            }
        }
        // Deps must name existing, earlier targets (no cycles).
        for i in spec.targets.indices {
            let earlier = Set(spec.targets.prefix(i).map(\.name))
            var seen = Set<String>()
            spec.targets[i].deps = spec.targets[i].deps.filter { earlier.contains($0) && seen.insert($0).inserted }
        }
    }
}

// MARK: - Rendering

/// Writes a fleet.yaml for a spec in a random style: flow or block mappings, shuffled keys, targets and list
/// entries that are sets, comments. The meaning never depends on the style.
struct FleetRenderer {
    var random: SeededRandom
    var swarm: Swarm

    init(random: SeededRandom) {
        self.random = random
        swarm = Swarm(&self.random)
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }

    mutating func shuffled<T>(_ items: [T]) -> [T] { items.shuffled(using: &random) }

    mutating func comment(_ indent: String) -> String {
        random.chance(0.2) ? "\(indent)# note \(random.int(0...999))\n" : ""
    }

    func actionFields(_ action: ActionSpec) -> [(String, String)] {
        var fields: [(String, String)] = []
        if let run = action.run { fields.append(("run", Self.quote(run))) }
        if let inputs = action.inputs { fields.append(("inputs", Self.list(inputs))) }
        if let outputs = action.outputs { fields.append(("outputs", Self.list(outputs))) }
        if let needs = action.needs { fields.append(("needs", Self.list(needs))) }
        if let env = action.env { fields.append(("env", Self.list(env))) }
        if action.noise { fields += [("timeout", "\"90s\""), ("cache", "false")] }
        return fields
    }

    mutating func flow(_ fields: [(String, String)]) -> String {
        "{" + shuffled(fields).map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    mutating func render(_ spec: FleetSpec) -> String {
        var out = comment("")
        var top: [String] = ["version: 1\n"]
        if !spec.root.isEmpty { top.append("root: \(Self.quote(spec.root))\n") }
        if let globals = spec.globals { top.append("globals: \(Self.list(globals))\n") }
        if !spec.sets.isEmpty {
            var text = "inputs:\n"
            for (name, patterns) in shuffled(spec.sets.sorted { $0.key < $1.key }) {
                text += "  \(name): \(Self.list(patterns))\n"
            }
            top.append(text)
        }
        if spec.defaultSrcs != nil || !spec.defaultActions.isEmpty {
            var text = "defaults:\n"
            if let srcs = spec.defaultSrcs { text += "  srcs: \(Self.list(srcs))\n" }
            if !spec.defaultActions.isEmpty {
                text += "  actions:\n"
                for (name, action) in shuffled(spec.defaultActions.sorted { $0.key < $1.key }) {
                    text += comment("    ") + "    \(name): \(flow(actionFields(action)))\n"
                }
            }
            top.append(text)
        }
        for kind in [false, true] {
            let targets = spec.targets.filter { $0.isService == kind }
            if targets.isEmpty { continue }
            var text = kind ? "services:\n" : "libs:\n"
            for target in shuffled(targets) { text += comment("  ") + renderTarget(target) }
            top.append(text)
        }
        out += shuffled(top).joined()
        return out
    }

    mutating func renderTarget(_ target: TargetSpec) -> String {
        var fields: [(String, String)] = [("path", Self.quote(target.path))]
        if let srcs = target.srcs { fields.append(("srcs", Self.list(srcs))) }
        if !target.deps.isEmpty || random.chance(0.2) { fields.append(("deps", Self.list(shuffled(target.deps)))) }
        if let env = target.env { fields.append(("env", Self.list(shuffled(env)))) }
        if let description = target.description { fields.append(("description", Self.quote(description))) }
        if target.actionsNull {
            fields.append(("actions", "null"))
        } else if !target.actions.isEmpty {
            var actions: [(String, String)] = []
            for (name, entry) in target.actions.sorted(by: { $0.key < $1.key }) {
                switch entry {
                case .removed: actions.append((name, random.chance(0.5) ? "null" : "~"))
                case .spec(let action): actions.append((name, flow(actionFields(action))))
                }
            }
            fields.append(("actions", flow(actions)))
        }
        if random.chance(0.5) { return "  \(target.name): \(flow(fields))\n" }
        var text = "  \(target.name):\n"
        for (key, value) in shuffled(fields) { text += "    \(key): \(value)\n" }
        return text
    }
}
