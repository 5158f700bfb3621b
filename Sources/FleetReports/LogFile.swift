import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading the captured logs of actions without loading a huge one into memory.
enum LogFile {
    /// The end of a log.
    struct Tail {
        /// The last lines of the file (whole lines unless one line alone exceeds the byte limit).
        var bytes: [UInt8]
        /// Whether the file holds more than `bytes`.
        var isTruncated: Bool

        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// The size of the file at `path`, or nil when it cannot be read.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The last `maxLines` lines of the file, and at most its last `maxBytes` bytes.
    static func tail(_ path: String, maxLines: Int, maxBytes: Int) throws(FileSystemError) -> Tail {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "read", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemError(path: path, operation: "read", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileSystemError(path: path, operation: "read", errno: EISDIR)
        }
        let size = Int(info.st_size)
        let start = max(0, size - max(1, maxBytes))
        var buffer = [UInt8](repeating: 0, count: size - start)
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + filled, raw.count - filled, off_t(start + filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }  // the file shrank meanwhile
            filled += n
        }
        buffer.removeSubrange(filled...)
        return cutToLines(buffer, startsInFile: start > 0, maxLines: maxLines)
    }

    /// Keeps the last `maxLines` lines of `buffer`; when the buffer starts mid-file, drops its partial first line.
    static func cutToLines(_ buffer: [UInt8], startsInFile: Bool, maxLines: Int) -> Tail {
        let newline = UInt8(ascii: "\n")
        // A final newline ends the last line; it does not start another one.
        var index = buffer.last == newline ? buffer.count - 1 : buffer.count
        var lines = 0
        while index > 0 {
            index -= 1
            if buffer[index] == newline {
                lines += 1
                if lines == maxLines { return Tail(bytes: Array(buffer[(index + 1)...]), isTruncated: true) }
            }
        }
        if startsInFile, let firstNewline = buffer.firstIndex(of: newline), firstNewline + 1 < buffer.count {
            return Tail(bytes: Array(buffer[(firstNewline + 1)...]), isTruncated: true)
        }
        return Tail(bytes: buffer, isTruncated: startsInFile)
    }

    /// Copies the whole file to `output` in chunks. Returns whether it ended with a newline (false when empty).
    static func copy(_ path: String, to output: OutputStream) throws(FileSystemError) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, operation: "read", errno: errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var last: UInt8?
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            last = buffer[n - 1]
            let written = buffer.withUnsafeBytes { output.write(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            if !written { break }
        }
        return last == UInt8(ascii: "\n")
    }
}
