import FleetManifest
import Testing

@Suite struct CacheSectionTests {
    @Test func absentSectionUsesTheDefaultCap() throws {
        let manifest = try loadValid("version: 1\n")
        #expect(manifest.cache.maxSize == nil)
        #expect(manifest.cache.maxAge == nil)
        #expect(manifest.cache.effectiveMaxSize == 10 << 30)
    }

    @Test(arguments: [
        ("max-size: 10GB", UInt64(10) << 30), ("max-size: 512MiB", UInt64(512) << 20),
        ("max-size: 1.5G", UInt64(3) << 29), ("max-size: 4096", UInt64(4096)), ("max-size: 2 TB", UInt64(2) << 40),
    ])
    func sizes(_ entry: String, _ bytes: UInt64) throws {
        let manifest = try loadValid("version: 1\ncache: {\(entry)}\n")
        #expect(manifest.cache.maxSize == bytes)
    }

    @Test(arguments: [("max-age: 30d", 30 * 86400.0), ("max-age: 1d12h", 129_600.0), ("max-age: 3600", 3600.0)])
    func ages(_ entry: String, _ seconds: Double) throws {
        let manifest = try loadValid("version: 1\ncache: {\(entry)}\n")
        #expect(manifest.cache.maxAge == seconds)
    }

    @Test func nullValuesMeanTheDefaults() throws {
        let manifest = try loadValid("version: 1\ncache:\n  max-size:\n  max-age: null\n")
        #expect(manifest.cache.maxSize == nil)
        #expect(manifest.cache.maxAge == nil)
        #expect(try loadValid("version: 1\ncache:\n").cache.maxSize == nil)
    }

    @Test func everyProblemIsLocated() throws {
        let lines = try errors("""
            version: 1
            cache:
              max-size: 10 parsecs
              max-age: soon
              max-sise: 1GB
              dir: /tmp

            """)
        #expect(lines == [
            "fleet.yaml:3:13: error: 'cache.max-size': expected a size such as 10GB, 512MB or 1.5TiB, found '10 parsecs'",
            "fleet.yaml:4:12: error: 'cache.max-age': expected a duration such as 30d, 12h or 90m, found 'soon'",
            "fleet.yaml:5:3: error: unknown key 'max-sise' in cache",
            "fleet.yaml:6:3: error: unknown key 'dir' in cache",
        ])
        let full = try fullDiagnostics("version: 1\ncache: {max-sise: 1GB}\n")
        #expect(full.first?.contains("hint: did you mean 'max-size'?") == true)
    }

    @Test func zeroNegativeAndWrongShapesAreRejected() throws {
        #expect(try errors("version: 1\ncache: {max-size: 0}\n").first?.hasPrefix(
            "fleet.yaml:2:19: error: 'cache.max-size': expected a size") == true)
        #expect(try errors("version: 1\ncache: {max-size: -5GB}\n").count == 1)
        #expect(try errors("version: 1\ncache: {max-age: 0s}\n").count == 1)
        #expect(try errors("version: 1\ncache: {max-age: [1d]}\n") == [
            "fleet.yaml:2:18: error: 'cache.max-age': expected a duration such as 30d, 12h or 90m, found a list",
        ])
        #expect(try errors("version: 1\ncache: 10GB\n") == [
            "fleet.yaml:2:8: error: 'cache': expected a mapping with 'max-size' and/or 'max-age', found a string",
        ])
    }
}
