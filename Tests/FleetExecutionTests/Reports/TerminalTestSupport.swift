import FleetBasics
import Foundation
import Glibc
import Synchronization

// MARK: - A pseudo-terminal

/// A pty pair sized like a small terminal: the renderer writes to ``terminal``; a thread drains the controller side
/// into ``output`` (the bytes a terminal emulator would receive, with the kernel's `\n` → `\r\n`).
final class PseudoTerminal: @unchecked Sendable {  // the fds are immutable; `received` is behind a Mutex
    let controller: Int32
    let terminal: Int32
    private let received = Mutex<[UInt8]>([])
    private let done = Mutex(false)

    init(columns: Int, rows: Int) throws {
        controller = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard controller >= 0 else { throw FileSystemError(path: "/dev/ptmx", operation: "open", errno: errno) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        // TIOCSPTLCK and TIOCGPTN (asm-generic/ioctls.h); Swift cannot import their function-like macros.
        guard ioctl(controller, UInt(0x4004_5431), &unlock) == 0, ioctl(controller, UInt(0x8004_5430), &number) == 0
        else { throw FileSystemError(path: "/dev/ptmx", operation: "unlock", errno: errno) }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(controller, UInt(TIOCSWINSZ), &size)
        terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { throw FileSystemError(path: "/dev/pts/\(number)", operation: "open", errno: errno) }
        let thread = Thread { [self] in drain() }
        thread.start()
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(controller, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }  // EIO once the terminal side is closed
            received.withLock { $0 += buffer[..<n] }
        }
        done.withLock { $0 = true }
    }

    /// Everything received so far, as text.
    var output: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }

    /// Closes the terminal side and waits (up to 20 s) until everything written has been read.
    func closeAndCollect() -> String {
        close(terminal)
        for _ in 0..<2000 where !done.withLock({ $0 }) { usleep(10_000) }
        close(controller)
        return output
    }

    /// Waits (up to 20 s) until `condition` holds for the output received so far.
    @discardableResult
    func wait(until condition: (String) -> Bool) -> Bool {
        for _ in 0..<2000 {
            if condition(output) { return true }
            usleep(10_000)
        }
        return false
    }
}

// MARK: - A tiny terminal emulator

/// Interprets the control sequences the progress renderer uses (CR, LF, cursor up, erase below, erase line, private
/// modes, SGR) on an unbounded screen of the given width, so that tests can check what a person would see.
struct ScreenModel {
    struct Row: Equatable {
        var cells: [Character] = []
        /// The row began because the previous one overflowed (a soft wrap).
        var isContinuation = false
        var text: String { String(cells).replacingOccurrences(of: "\u{0}", with: " ") }
    }

    let columns: Int
    let rows: Int
    private(set) var screen: [Row] = [Row()]
    private(set) var row = 0
    private(set) var column = 0
    private(set) var cursorVisible = true
    private var pendingWrap = false
    /// A snapshot of the visible text at the end of every synchronised update (`ESC[?2026l`).
    private(set) var frames: [[Row]] = []
    /// Cursor-up movements that would have gone above the visible screen.
    private(set) var clampedMoves = 0

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    var lines: [String] {
        var result = screen.map(\.text)
        while result.last == "" { result.removeLast() }
        return result
    }

    mutating func feed(_ text: String) {
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\r":
                column = 0
                pendingWrap = false
            case "\n":
                lineFeed(continuation: false)
            case "\u{1B}":
                guard scalars.first == "[" else { continue }
                scalars.removeFirst()
                var parameters = ""
                while let next = scalars.popFirst() {
                    if (0x40...0x7E).contains(next.value) {
                        control(parameters, final: next)
                        break
                    }
                    parameters.unicodeScalars.append(next)
                }
            default:
                put(Character(scalar))
            }
        }
    }

    private mutating func lineFeed(continuation: Bool) {
        row += 1
        if row == screen.count { screen.append(Row(isContinuation: continuation)) }
        pendingWrap = false
    }

    private mutating func put(_ character: Character) {
        if pendingWrap {
            lineFeed(continuation: true)
            column = 0
        }
        var cells = screen[row].cells
        while cells.count < column { cells.append(" ") }
        if column < cells.count { cells[column] = character } else { cells.append(character) }
        screen[row].cells = cells
        if column == columns - 1 { pendingWrap = true } else { column += 1 }
    }

    private mutating func control(_ parameters: String, final: Unicode.Scalar) {
        switch final {
        case "A":
            let count = Int(parameters) ?? 1
            let top = max(0, screen.count - rows)
            if row - count < top { clampedMoves += 1 }
            row = max(top, row - count)
            pendingWrap = false
        case "J":
            screen[row].cells = Array(screen[row].cells.prefix(column))
            screen.removeSubrange((row + 1)...)
        case "K":
            screen[row].cells = Array(screen[row].cells.prefix(column))
        case "h", "l":
            if parameters == "?25" { cursorVisible = final == "h" }
            if parameters == "?2026", final == "l" { frames.append(screen) }
        default:
            break  // SGR colours and anything else: no effect on the text
        }
    }
}
