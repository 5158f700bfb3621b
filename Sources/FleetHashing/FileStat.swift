#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `lstat` fields that tell whether a file may have changed since it was last hashed (git's index uses the
/// same idea). Times are nanoseconds since the Unix epoch.
public struct FileStat: Hashable, Sendable {
    /// `st_size` (the target length for a symlink).
    public var size: UInt64
    /// `st_mtim`, saturated to the `Int64` range.
    public var modificationTime: Int64
    /// Changes on every write, chmod, rename and link count change, and cannot be set by `touch -d`: a file
    /// restored with an old mtime (`tar`, `cp -p`) still differs here.
    public var changeTime: Int64
    public var inode: UInt64
    /// The raw `st_mode` (type and permission bits).
    public var mode: UInt32

    public init(size: UInt64, modificationTime: Int64, changeTime: Int64, inode: UInt64, mode: UInt32) {
        self.size = size
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.inode = inode
        self.mode = mode
    }

    init(_ info: stat) {
        #if canImport(Darwin)
        let mtime = info.st_mtimespec, ctime = info.st_ctimespec
        #else
        let mtime = info.st_mtim, ctime = info.st_ctim
        #endif
        self.init(
            size: Int64(info.st_size), modificationSeconds: Int64(mtime.tv_sec),
            modificationNanoseconds: Int64(mtime.tv_nsec), changeSeconds: Int64(ctime.tv_sec),
            changeNanoseconds: Int64(ctime.tv_nsec), inode: UInt64(info.st_ino), mode: UInt32(info.st_mode))
    }

    /// The fields of a `stat` another module made (the git working-tree walk's `lstat`), converted exactly as
    /// ``of(_:)`` converts its own, so the two compare equal for an unchanged file.
    public init(
        size: Int64, modificationSeconds: Int64, modificationNanoseconds: Int64, changeSeconds: Int64,
        changeNanoseconds: Int64, inode: UInt64, mode: UInt32
    ) {
        self.init(
            size: UInt64(max(size, 0)),
            modificationTime: FileStat.nanoseconds(seconds: modificationSeconds, nanoseconds: modificationNanoseconds),
            changeTime: FileStat.nanoseconds(seconds: changeSeconds, nanoseconds: changeNanoseconds),
            inode: inode, mode: mode)
    }

    /// Seconds and nanoseconds as nanoseconds, saturating: a file dated beyond the years 1678–2262 (`touch -d`
    /// accepts such dates) must not crash fleet. Saturated times still compare as changed when they change.
    static func nanoseconds(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, carry) = scaled.addingReportingOverflow(nanoseconds)
        return carry ? Int64.max : sum
    }

    /// The entry at `path` without following a final symlink.
    /// - Throws: ``HashingError`` (``HashingError/vanished(path:)`` when nothing is there).
    public static func of(_ path: String) throws(HashingError) -> FileStat {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw HashingError(path: path, errno: errno, operation: "stat") }
        return FileStat(info)
    }

    /// The file open as `descriptor` (`fstat`); `path` is only used in errors.
    public static func of(descriptor: Int32, path: String) throws(HashingError) -> FileStat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw HashingError(path: path, errno: errno, operation: "stat") }
        return FileStat(info)
    }

    /// The normalised mode; nil for directories and special files.
    public var fileMode: FileMode? { FileMode(statMode: mode) }

    /// What kind of entry this is, for messages: "file", "directory", "symlink", "FIFO", "socket"…
    public var kindDescription: String {
        switch mode & 0o170000 {
        case 0o100000: "file"
        case 0o120000: "symlink"
        case 0o040000: "directory"
        case 0o010000: "FIFO"
        case 0o140000: "socket"
        case 0o020000: "character device"
        case 0o060000: "block device"
        default: "special file"
        }
    }

    /// The current time of the clock the kernel stamps files with (`CLOCK_REALTIME_COARSE` on Linux), in
    /// nanoseconds. A file whose mtime and ctime are older than a reading taken *before* it was hashed cannot
    /// have been written again within the same timestamp tick (see ``StatMemo``).
    public static func fileClockNow() -> Int64 {
        var now = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        return nanoseconds(seconds: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
    }
}
