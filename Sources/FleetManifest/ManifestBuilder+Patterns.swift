import FleetBasics

extension ManifestBuilder {
    /// Where a pattern list is written, which decides what its entries may be.
    enum PatternContext {
        case globals
        case srcs
        /// An action's `inputs`: `srcs` stands for the target's srcs.
        case inputs(PatternList)
        /// An action's `outputs`: named sets are not expanded.
        case outputs
        /// The definition of a named set, checked once where it is written.
        case inputSetDefinition(String)

        var expandsSets: Bool {
            if case .outputs = self { return false }
            return true
        }
    }

    /// Expands named sets (and `srcs` in inputs) and resolves every pattern to the root, in order.
    ///
    /// Iterative: a work list replaces recursion into nested sets; a set that includes itself is a cycle.
    /// - Parameter reportEscapes: false where the directory is not the one the patterns will be used in (checking
    ///   a named set or a default once, where it is written).
    mutating func expand(_ entries: [Located<String>], in directory: String, context: PatternContext,
                         reportEscapes: Bool = true) -> PatternList {
        var patterns: [String] = []
        var locations: [SourceLocation?] = []
        var globs: [GlobList.Entry] = []
        var initialChain: [String] = []
        if case .inputSetDefinition(let name) = context { initialChain = [name] }
        var work: [(entry: Located<String>, chain: [String])] = entries.reversed().map { ($0, initialChain) }

        while let (entry, chain) = work.popLast() {
            let text = entry.value
            if context.expandsSets {
                if text == "srcs" {
                    switch context {
                    case .inputs(let srcs):
                        patterns += srcs.patterns
                        locations += srcs.locations
                        globs += srcs.globs.entries
                    case .inputSetDefinition:
                        break  // allowed in a set, if the set is used in inputs
                    default:
                        problems.append(.misplacedSrcs(at: entry.location))
                    }
                    continue
                }
                if let set = inputSets[text] {
                    if let start = chain.firstIndex(of: text) {
                        if case .inputSetDefinition = context { reportSetCycle(Array(chain[start...])) }
                        continue
                    }
                    work += set.entries.reversed().map { ($0, chain + [text]) }
                    continue
                }
                if text.hasPrefix("!"), inputSets[String(text.dropFirst())] != nil {
                    problems.append(.negatedInputSet(String(text.dropFirst()), at: entry.location))
                    continue
                }
                if NameRules.isValidInputSetName(text),
                    let suggestion = Suggestions.closest(to: text, in: inputSets.keys)
                {
                    problems.append(.unknownInputSet(text, suggestion: suggestion, at: entry.location))
                    continue
                }
            }
            guard let (pattern, glob) = compile(entry, in: directory, reportEscapes: reportEscapes) else { continue }
            patterns.append(pattern)
            locations.append(entry.location)
            globs.append(glob)
        }
        return PatternList(patterns: patterns, locations: locations, globs: GlobList(globs))
    }

    /// Resolves one pattern written in `directory` to the root and compiles it.
    private mutating func compile(_ entry: Located<String>, in directory: String, reportEscapes: Bool)
        -> (String, GlobList.Entry)?
    {
        let text = entry.value
        let negated = text.hasPrefix("!")
        let body = negated ? String(text.dropFirst()) : text
        if body.isEmpty {
            problems.append(.invalidPattern(text, reason: "empty pattern", at: entry.location))
            return nil
        }
        if body.hasPrefix("/"), !body.hasPrefix("//") {
            problems.append(.invalidPattern(
                text, reason: "absolute paths are not allowed; start with '//' for the root", at: entry.location))
            return nil
        }
        let segments = (body.hasPrefix("//") ? String(body.dropFirst(2)) : body).split(
            separator: "/", omittingEmptySubsequences: false)
        var sawWildcard = false
        for segment in segments {
            if segment == "..", sawWildcard {
                problems.append(.invalidPattern(text, reason: "'..' may only come before any wildcard",
                                                at: entry.location))
                return nil
            }
            if segment.contains(where: { "*?[".contains($0) }) { sawWildcard = true }
        }
        if let last = segments.last, last == "." || last == ".." {
            problems.append(.directoryPattern(body, at: entry.location))
            return nil
        }
        guard let resolved = RelativePath.resolvePattern(text, in: directory) else {
            if reportEscapes { problems.append(.patternOutsideRoot(text, at: entry.location)) }
            return nil
        }
        let resolvedBody = negated ? String(resolved.dropFirst()) : resolved
        if resolvedBody.isEmpty {
            problems.append(.directoryPattern(body, at: entry.location))
            return nil
        }
        do {
            let glob = try Glob(resolvedBody)
            return (resolved, GlobList.Entry(glob: glob, isExclusion: negated))
        } catch {
            problems.append(.invalidPattern(text, reason: error.reason, at: entry.location))
            return nil
        }
    }

    /// Reports a cycle among named sets once, starting from its smallest name, at the entry that closes it.
    private mutating func reportSetCycle(_ members: [String]) {
        guard let smallest = members.indices.min(by: { members[$0] < members[$1] }) else { return }
        let rotated = Array(members[smallest...] + members[..<smallest])
        let closing = rotated[rotated.count - 1]
        guard let first = rotated.first,
            let location = inputSets[closing]?.entries.first(where: { $0.value == first })?.location
        else { return }
        let problem = ManifestError.inputSetCycle(rotated + [first], at: location)
        if !problems.contains(problem) { problems.append(problem) }
    }
}
