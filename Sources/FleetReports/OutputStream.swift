#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor the renderers write to but do not own (stderr, stdout, a pipe): whole writes, EINTR and
/// partial writes handled, and silence after the first real failure (a closed pipe must not fail the build).
struct OutputStream: Sendable {
    let fileDescriptor: Int32

    /// Writes all of `text`; false when the descriptor refused it.
    @discardableResult
    func write(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes all of `bytes`; false when the descriptor refused it.
    @discardableResult
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fileDescriptor, base + offset, bytes.count - offset)
            #else
            let n = Darwin.write(fileDescriptor, base + offset, bytes.count - offset)
            #endif
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A non-blocking descriptor (shared with another program) is full: wait until it drains.
                var entry = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&entry, 1, -1) < 0 && errno != EINTR { return false }
                continue
            }
            return false
        }
        return true
    }

    /// The terminal's size in columns and rows, or nil when the descriptor is not a terminal (or reports 0).
    func terminalSize() -> (columns: Int, rows: Int)? {
        var size = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(fileDescriptor, request, &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), size.ws_row > 0 ? Int(size.ws_row) : 24)
    }
}
