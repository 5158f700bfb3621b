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
    /// Iterative: a stack of the lists being read replaces recursion into nested sets; a set that includes itself
    /// is a cycle.
    /// - Parameter reportEscapes: false where the directory is not the one the patterns will be used in (checking
    ///   a named set or a default once, where it is written).
    mutating func expand(_ entries: [Located<String>], in directory: String, context: PatternContext,
                         reportEscapes: Bool = true) -> PatternList {
        var patterns: [String] = []
        var locations: [SourceLocation?] = []
        var globs: [GlobList.Entry] = []
        var initialChain: [String] = []
        if case .inputSetDefinition(let name) = context { initialChain = [name] }
        // The lists being read: this one, and the named sets being expanded (innermost last), each with the
        // position of its next entry and the chain of sets that led to it.
        var lists: [(entries: [Located<String>], next: Int, chain: [String])] = [(entries, 0, initialChain)]

        while let top = lists.indices.last {
            guard lists[top].next < lists[top].entries.count else {
                lists.removeLast()
                continue
            }
            let entry = lists[top].entries[lists[top].next]
            lists[top].next += 1
            let chain = lists[top].chain
            let text = entry.value
            let analysis = analyze(text)
            if context.expandsSets {
                switch analysis.kind {
                case .srcs:
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
                case .inputSet(let set):
                    if let start = chain.firstIndex(of: text) {
                        if case .inputSetDefinition = context { reportSetCycle(Array(chain[start...])) }
                        continue
                    }
                    lists.append((set.entries, 0, chain + [text]))
                    continue
                case .negatedInputSet(let name):
                    problems.append(.negatedInputSet(name, at: entry.location))
                    continue
                case .unknownInputSet(let suggestion):
                    problems.append(.unknownInputSet(text, suggestion: suggestion, at: entry.location))
                    continue
                case .pattern:
                    break
                }
            }
            guard let (pattern, glob) = compile(entry, in: directory, reportEscapes: reportEscapes,
                                                plain: analysis.plain)
            else { continue }
            if patterns.isEmpty {
                // Room for the entries known to come (exact when they are plain patterns).
                let coming = 1 + lists.reduce(0) { $0 + $1.entries.count - $1.next }
                patterns.reserveCapacity(coming)
                locations.reserveCapacity(coming)
                globs.reserveCapacity(coming)
            }
            patterns.append(pattern)
            locations.append(entry.location)
            globs.append(glob)
        }
        return PatternList(patterns: patterns, locations: locations, globs: GlobList(globs))
    }

    /// What a pattern list entry means, worked out once per distinct text: the input sets are known before any
    /// list is expanded, and everything else depends on the text alone. (A class: it is handed out for every
    /// entry of every target, and a reference is cheaper to pass around than its fields.)
    final class EntryAnalysis {
        enum Kind {
            /// `srcs`.
            case srcs
            /// The name of a named input set.
            case inputSet(RawInputSet)
            /// `!name` for a named input set, which cannot be negated.
            case negatedInputSet(String)
            /// A valid set name close to a defined one: a typo.
            case unknownInputSet(suggestion: String)
            /// A path pattern.
            case pattern
        }

        /// The meaning where named sets are expanded (everywhere but `outputs`).
        let kind: Kind
        /// The entry as a pattern, when it is plain.
        let plain: PlainPattern?

        init(kind: Kind, plain: PlainPattern?) {
            self.kind = kind
            self.plain = plain
        }
    }

    mutating func analyze(_ text: String) -> EntryAnalysis {
        if let known = entryAnalyses[text] { return known }
        let kind: EntryAnalysis.Kind
        if text == "srcs" {
            kind = .srcs
        } else if let set = inputSets[text] {
            kind = .inputSet(set)
        } else if text.hasPrefix("!"), inputSets[String(text.dropFirst())] != nil {
            kind = .negatedInputSet(String(text.dropFirst()))
        } else if NameRules.isValidInputSetName(text),
            let suggestion = Suggestions.closest(to: text, in: inputSets.keys)
        {
            kind = .unknownInputSet(suggestion: suggestion)
        } else {
            kind = .pattern
        }
        let analysis = EntryAnalysis(kind: kind, plain: PlainPattern(text))
        entryAnalyses[text] = analysis
        return analysis
    }

    /// Resolves one pattern written in `directory` to the root and compiles it.
    private mutating func compile(_ entry: Located<String>, in directory: String, reportEscapes: Bool,
                                  plain: PlainPattern?) -> (String, GlobList.Entry)?
    {
        if let plain, let prefix = plainDirectory(directory) { return prefix.resolved(plain) }
        return compileAnyPattern(entry, in: directory, reportEscapes: reportEscapes)
    }

    /// ``compile(_:in:reportEscapes:)`` for every pattern: checks, resolves with ``RelativePath``, compiles.
    mutating func compileAnyPattern(_ entry: Located<String>, in directory: String, reportEscapes: Bool)
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

    // MARK: - Plain patterns

    /// `directory` as a ``PlainDirectory`` when it is one; the last answer is kept, because a target's patterns
    /// are compiled one after another.
    mutating func plainDirectory(_ directory: String) -> PlainDirectory? {
        if let last = lastPlainDirectory, last.path == directory { return last.plain }
        let plain = PlainDirectory(directory)
        lastPlainDirectory = (directory, plain)
        return plain
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

// MARK: - Plain patterns

/// A pattern entry whose resolution is a plain join, compiled once however many targets use it.
///
/// Most entries are like `**`, `!tests/**` or `dist/`: ASCII, relative, already normal (a trailing `/` aside), and
/// valid globs. For such an entry ``ManifestBuilder/compileAnyPattern(_:in:reportEscapes:)`` passes every check,
/// ``RelativePath/resolvePattern(_:in:)`` joins it to a plain directory, and the glob of the joined text is
/// ``Glob/init(prefixing:to:)`` of the directory's and the entry's globs. ``resolved(in:)`` produces exactly that
/// without redoing the work per target (a test compares both paths).
final class PlainPattern {
    /// The entry as written.
    let text: String
    let isExclusion: Bool
    /// The entry without its `!`.
    let body: Substring
    let glob: Glob
    /// True when the resolved pattern is the prefixed glob's own text (no `!`, no trailing `/` turned into `/**`),
    /// which can then be shared instead of built twice.
    let resolvesToGlobPattern: Bool
    /// True for a literal glob without escapes, whose literal prefix is its pattern.
    let literalPrefixIsPattern: Bool

    /// Nil when `text` is not plain, or not a valid glob (the general path reports why).
    init?(_ text: String) {
        let negated = text.utf8.first == UInt8(ascii: "!")
        guard let body = RelativePath.plainPatternBody(negated ? text.utf8.dropFirst() : text.utf8[...]),
            let glob = try? Glob(String(body))
        else { return nil }
        self.text = text
        self.isExclusion = negated
        self.body = body
        self.glob = glob
        resolvesToGlobPattern = !negated && glob.pattern.utf8.elementsEqual(body.utf8)
        literalPrefixIsPattern = glob.literalPrefix == glob.pattern
    }

    /// The root-relative pattern (with its `!`) and its compiled entry, in `directory`.
    func resolved(in directory: PlainDirectory) -> (String, GlobList.Entry) {
        guard let directoryGlob = directory.glob else {
            return (text, GlobList.Entry(glob: glob, isExclusion: isExclusion))
        }
        // `Glob(prefixing:to:)`, sharing what can be shared: the directory's `dir/` for patterns without a literal
        // prefix of their own (`**`), and the pattern itself for literal ones.
        let pattern = RelativePath.joined(directoryGlob.pattern, glob.pattern[...])
        let literalPrefix = glob.literalPrefix.isEmpty ? directory.literalPrefixWithSlash
            : literalPrefixIsPattern && directory.literalPrefixIsPattern ? pattern
            : RelativePath.joined(directoryGlob.literalPrefix, glob.literalPrefix[...])
        let prefixed = Glob(literalDirectory: directoryGlob, relative: glob, pattern: pattern,
                            literalPrefix: literalPrefix)
        let resolved = resolvesToGlobPattern ? pattern
            : RelativePath.joined(directory.path, body, prefix: isExclusion ? "!" : "")
        return (resolved, GlobList.Entry(glob: prefixed, isExclusion: isExclusion))
    }
}

/// A directory that plain patterns are simply joined to: the root (`""`), or a normal ASCII path that is a
/// literal glob (no wildcard; an escaped character is fine, the glob knows its literal prefix).
final class PlainDirectory {
    let path: String
    /// The directory as a glob; nil for the root.
    let glob: Glob?
    /// The glob's literal prefix and `/` (the directory's part of every prefixed glob's literal prefix).
    let literalPrefixWithSlash: String
    /// True when the glob's literal prefix is its pattern (no escapes).
    let literalPrefixIsPattern: Bool
    /// Patterns already resolved here: a target often uses one twice (`srcs: [**]` and a set that starts with
    /// `**`). Looked up by identity; a handful at most.
    private var resolvedPatterns: [(pattern: PlainPattern, resolved: String, entry: GlobList.Entry)]

    init?(_ path: String) {
        self.path = path
        resolvedPatterns = []
        resolvedPatterns.reserveCapacity(8)
        if path.isEmpty {
            glob = nil
            literalPrefixWithSlash = ""
            literalPrefixIsPattern = true
            return
        }
        guard RelativePath.isNormalASCII(path[...]), let glob = try? Glob(path), glob.isLiteral else { return nil }
        self.glob = glob
        literalPrefixWithSlash = glob.literalPrefix + "/"
        literalPrefixIsPattern = glob.literalPrefix == glob.pattern
    }

    /// `pattern` resolved in this directory (see ``PlainPattern/resolved(in:)``), once.
    func resolved(_ pattern: PlainPattern) -> (String, GlobList.Entry) {
        if let known = resolvedPatterns.first(where: { $0.pattern === pattern }) {
            return (known.resolved, known.entry)
        }
        let (resolved, entry) = pattern.resolved(in: self)
        if resolvedPatterns.count < 16 { resolvedPatterns.append((pattern, resolved, entry)) }
        return (resolved, entry)
    }
}
