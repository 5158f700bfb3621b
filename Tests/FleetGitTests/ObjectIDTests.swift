import Testing

@testable import FleetGit

@Suite struct ObjectIDTests {
    @Test func parsesAndPrintsHex() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        let id = try #require(ObjectID(hex: hex))
        #expect(id.description == hex)
        #expect(id.shortDescription == "0123456")
        #expect(ObjectID(hex: hex.uppercased()) == id)
        #expect(id.bytes.count == 20 && id.bytes[0] == 0x01 && id.bytes[19] == 0x67)
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(ObjectID(id.gitOID) == id)  // through libgit2's git_oid
    }

    @Test(arguments: [
        "", "0123", "0123456789abcdef0123456789abcdef0123456", "g123456789abcdef0123456789abcdef01234567",
        "0123456789abcdef0123456789abcdef012345678",
    ])
    func rejectsMalformedHex(text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func ordersLikeTheHexForm() throws {
        let texts = [
            "ff" + String(repeating: "0", count: 38), String(repeating: "0", count: 39) + "1",
            String(repeating: "0", count: 40), "0000000000000000ff00000000000000000000000",
            "00000000000000000000000000000000000000ff",
        ].filter { $0.count == 40 }
        let ids = try texts.map { try #require(ObjectID(hex: $0)) }
        #expect(ids.sorted().map(\.description) == texts.sorted())
        #expect(ids.contains { $0.isZero })
        #expect(Set(ids).count == ids.count)
    }
}

@Suite struct GitFileModeTests {
    @Test(arguments: [
        (UInt32(0o100644), GitFileMode.regular), (0o100664, .regular), (0o100600, .regular), (0o100755, .executable),
        (0o100700, .executable), (0o100744, .executable), (0o120777, .symlink), (0o160000, .gitlink),
    ])
    func normalisesLikeGit(raw: UInt32, expected: GitFileMode) {
        #expect(GitFileMode(normalizing: raw) == expected)
    }

    @Test(arguments: [UInt32(0o040755), 0o020644, 0o010644, 0o140755, 0])
    func rejectsWhatGitCannotTrack(raw: UInt32) {
        #expect(GitFileMode(normalizing: raw) == nil)
    }

    @Test func describesChangesLikeNameStatus() {
        let rename = FileChange(status: .renamed, oldPath: "a", newPath: "b", similarity: 87)
        #expect(rename.description == "R087\ta\tb" && rename.paths == ["a", "b"] && rename.path == "b")
        let deletion = FileChange(status: .deleted, oldPath: "gone", newPath: nil)
        #expect(deletion.description == "D\tgone" && deletion.paths == ["gone"] && deletion.path == "gone")
        #expect(GitFileMode.executable.description == "100755")
    }
}

@Suite struct GitDateTests {
    @Test(arguments: [
        "", "yesterday", "1700000000", "@abc +0000", "@1 +2400", "@1 +0060", "2024-13-01T00:00:00Z",
        "2024-05-01T25:00:00Z", "2024-05-01T12:00:00+2", "Wed, 01 Foo 2024 12:00:00 +0000",
        "01 May 2024 12:00 +0000 extra",
    ])
    func rejectsWhatItCannotParse(text: String) {
        #expect(GitDate.parse(text) == nil)
    }

    @Test func civilDates() {
        #expect(GitDate.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(GitDate.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(GitDate.formatOffset(-330) == "-0530" && GitDate.formatOffset(0) == "+0000")
    }
}
