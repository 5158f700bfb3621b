internal import CGit2
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libgit2 set-up and the single place where libgit2 return codes are checked.
enum LibGit2 {
    /// The environment the first repository was opened with; it decides the process-wide config search paths.
    private static let configuredEnvironment = Mutex<[String: String]?>(nil)

    /// Initialises libgit2 once per process (about 5 ms on Debian, so only paths that need git call this).
    ///
    /// Like git, honours `GIT_CONFIG_NOSYSTEM` (no system config) and `GIT_CONFIG_GLOBAL` (replaces the user's
    /// global and XDG config; the file itself is added per repository by ``GitRepository``). libgit2's search paths
    /// are process-wide, so the environment of the first call wins; later calls only make sure libgit2 is up.
    static func ensureInitialized(environment: [String: String]) {
        configuredEnvironment.withLock { configured in
            guard configured == nil else { return }
            _ = git_libgit2_init()
            if isTrue(environment["GIT_CONFIG_NOSYSTEM"]) {
                _ = fleet_git_set_search_path(Int32(GIT_CONFIG_LEVEL_SYSTEM.rawValue), "")
                _ = fleet_git_set_search_path(Int32(GIT_CONFIG_LEVEL_PROGRAMDATA.rawValue), "")
            }
            if environment["GIT_CONFIG_GLOBAL"] != nil {
                _ = fleet_git_set_search_path(Int32(GIT_CONFIG_LEVEL_GLOBAL.rawValue), "")
                _ = fleet_git_set_search_path(Int32(GIT_CONFIG_LEVEL_XDG.rawValue), "")
            }
            configured = environment
        }
    }

    /// git's boolean parsing for environment switches (`1`, `true`, `yes`, `on`).
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "true", "yes", "on"].contains(value.lowercased())
    }

    /// Throws a ``GitError/libgit2(_:)`` when `result` is negative, with libgit2's thread-local error text read at
    /// once (the next libgit2 call overwrites it).
    @inline(__always)
    static func check(_ result: Int32, _ operation: StaticString) throws(GitError) {
        guard result < 0 else { return }
        throw GitError.libgit2(lastFailure(result, operation))
    }

    /// The details of the failure that just happened on this thread.
    static func lastFailure(_ result: Int32, _ operation: StaticString) -> GitError.Failure {
        var message = "unknown error"
        var errorClass: Int32 = 0
        if let last = git_error_last() {
            if let text = last.pointee.message { message = String(cString: text) }
            errorClass = last.pointee.klass
        }
        return GitError.Failure(operation: "\(operation)", code: result, errorClass: errorClass, message: message)
    }

    /// Calls a libgit2 constructor (`git_x_lookup(&out, …)`) and returns the owned handle.
    static func make(
        _ operation: StaticString, free release: @escaping (OpaquePointer?) -> Void,
        _ body: (inout OpaquePointer?) -> Int32
    ) throws(GitError) -> GitHandle {
        var pointer: OpaquePointer?
        let result = body(&pointer)
        try check(result, operation)
        guard let pointer else {
            throw GitError.libgit2(
                .init(operation: "\(operation)", code: -1, errorClass: 0, message: "returned no object"))
        }
        return GitHandle(pointer, free: release)
    }

    /// The current process environment, read once per call.
    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}

/// Sole owner of one libgit2 object (tree, commit, diff, index, reference…): frees it exactly once in `deinit`.
///
/// `~Copyable`, so the pointer cannot outlive or be freed by anyone else; borrow ``pointer`` only for the duration
/// of a libgit2 call.
struct GitHandle: ~Copyable {
    let pointer: OpaquePointer
    private let release: (OpaquePointer?) -> Void

    init(_ pointer: OpaquePointer, free release: @escaping (OpaquePointer?) -> Void) {
        self.pointer = pointer
        self.release = release
    }

    deinit { release(pointer) }
}

// MARK: - Strings and buffers

extension String {
    /// Copies a C string that libgit2 owns; invalid UTF-8 is repaired (git paths are bytes, fleet paths are text).
    init(gitString pointer: UnsafePointer<CChar>?) {
        self = pointer.map { String(cString: $0) } ?? ""
    }
}

extension git_buf {
    /// Copies the buffer's text and releases it.
    mutating func takeString() -> String {
        defer { git_buf_dispose(&self) }
        guard let ptr else { return "" }
        return String(
            decoding: UnsafeRawBufferPointer(start: ptr, count: size).bindMemory(to: UInt8.self),
            as: UTF8.self)
    }
}
