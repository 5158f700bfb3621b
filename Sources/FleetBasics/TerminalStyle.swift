#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When to colour output. `auto` colours only a terminal and only when `NO_COLOR` is unset or empty
/// (https://no-color.org).
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// Whether output written to `fileDescriptor` should be coloured.
    public func isEnabled(for fileDescriptor: Int32, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isatty(fileDescriptor) == 1
        }
    }
}

/// ANSI styling that collapses to plain text when disabled.
public struct TerminalStyle: Sendable {
    public var isEnabled: Bool
    public init(isEnabled: Bool) { self.isEnabled = isEnabled }
    public static let plain = TerminalStyle(isEnabled: false)

    private func wrap(_ text: String, _ code: String) -> String {
        isEnabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func blue(_ text: String) -> String { wrap(text, "34") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }
}
