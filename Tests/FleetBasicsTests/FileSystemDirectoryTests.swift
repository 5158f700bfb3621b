import FleetBasics
import FleetTestSupport
import Glibc
import Testing

/// `createDirectory` and `ensureWritableDirectory` on real paths: an existing directory is fine, anything else in
/// the way is an error that names it.
struct FileSystemDirectoryTests {
    @Test func createDirectoryMakesParentsAndAcceptsAnExistingDirectory() throws {
        let dir = try TemporaryDirectory(prefix: "fleet-fs")
        defer { dir.remove() }
        let nested = dir.appending("a/b/c")
        try FileSystem.createDirectory(nested)
        try FileSystem.createDirectory(nested)
        #expect(FileSystem.isDirectory(nested))
    }

    @Test(arguments: ["file", "file/below", "file/below/deeper"])
    func aFileInTheWayIsNotADirectoryAtThatFile(relative: String) throws {
        let dir = try TemporaryDirectory(prefix: "fleet-fs")
        defer { dir.remove() }
        let file = try dir.write("file", "x\n")
        let error = #expect(throws: FileSystemError.self) {
            try FileSystem.createDirectory(dir.appending(relative))
        }
        #expect(error?.errno == ENOTDIR)
        #expect(error?.path == file)
        #expect(throws: FileSystemError.self) { try FileSystem.ensureWritableDirectory(dir.appending(relative)) }
        #expect(try FileSystem.readText(file) == "x\n", "the file is left alone")
    }

    @Test func ensureWritableDirectoryLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory(prefix: "fleet-fs")
        defer { dir.remove() }
        let cache = dir.appending("cache")
        try FileSystem.ensureWritableDirectory(cache)
        #expect(try FileSystem.listDirectory(cache).isEmpty)
    }
}
