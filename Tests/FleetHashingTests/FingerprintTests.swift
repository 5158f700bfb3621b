import FleetHashing
import Foundation
import Testing

@Suite struct FingerprintTests {
    @Test func hexRoundTripsAndIsLowercaseHighFirst() throws {
        let value = Fingerprint(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        #expect(value.hex == "0123456789abcdeffedcba9876543210")
        #expect(value.description == value.hex)
        #expect(value.shortDescription == "0123456789ab")
        #expect(Fingerprint(hex: value.hex) == value)
        #expect(Fingerprint(hex: "0123456789ABCDEFFEDCBA9876543210") == value)
        #expect(Fingerprint(hex: "x0123456789ABCDEFFEDCBA9876543210".dropFirst()) == value)
    }

    @Test(arguments: [
        "", "0123", String(repeating: "0", count: 31), String(repeating: "0", count: 33),
        String(repeating: "g", count: 32), String(repeating: "0", count: 31) + " ",
        "é" + String(repeating: "0", count: 30),
    ])
    func rejectsMalformedHex(_ text: String) {
        #expect(Fingerprint(hex: text) == nil)
        #expect(Fingerprint(hex: text[...]) == nil)  // the generic StringProtocol path
        #expect(Array(text.utf8).withUnsafeBufferPointer { Fingerprint(hexDigits: $0) } == nil)
    }

    @Test func codableAsAHexString() throws {
        let value = Fingerprint(high: 1, low: 2)
        let json = String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
        #expect(json == #"["00000000000000010000000000000002"]"#)
        #expect(try JSONDecoder().decode([Fingerprint].self, from: Data(json.utf8)) == [value])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Fingerprint].self, from: Data(#"["xyz"]"#.utf8))
        }
    }

    @Test func ordersByHighThenLow() {
        let values = [Fingerprint(high: 2, low: 0), Fingerprint(high: 1, low: 9), Fingerprint(high: 1, low: 3)]
        #expect(
            values.sorted() == [
                Fingerprint(high: 1, low: 3), Fingerprint(high: 1, low: 9), Fingerprint(high: 2, low: 0),
            ])
    }
}

@Suite struct FingerprinterTests {
    private func fingerprint(_ build: (inout Fingerprinter) -> Void) -> Fingerprint {
        var fingerprinter = Fingerprinter()
        build(&fingerprinter)
        return fingerprinter.finalize()
    }

    @Test func fieldsAreLengthPrefixed() {
        let abc = fingerprint {
            $0.add("ab"); $0.add("c")
        }
        let aBc = fingerprint {
            $0.add("a"); $0.add("bc")
        }
        #expect(abc != aBc)
        #expect(fingerprint { $0.add(["a,b"]) } != fingerprint { $0.add(["a", "b"]) })
        #expect(
            fingerprint {
                $0.add(["a"]); $0.add(["b"])
            } != fingerprint { $0.add(["a", "b"]) })
        #expect(fingerprint { $0.add(Optional<String>.none) } != fingerprint { $0.add(Optional("")) })
        #expect(fingerprint { $0.add("") } != fingerprint { _ in })
        #expect(
            fingerprint {
                $0.add(tag: "v1"); $0.add(1)
            }
                != fingerprint {
                    $0.add(tag: "v2"); $0.add(1)
                })
    }

    @Test func sameFieldsSameFingerprint() {
        let build: (inout Fingerprinter) -> Void = {
            $0.add(tag: "key/v1")
            $0.add("src/main.swift")
            $0.add(42)
            $0.add(UInt64.max)
            $0.add(true)
            $0.add(Fingerprint(high: 7, low: 8))
            $0.add([UInt8]([0, 1, 2]))
        }
        #expect(fingerprint(build) == fingerprint(build))
    }

    @Test func aFieldIsItsLengthThenItsBytes() {
        // The framing is part of the key format: pin it so that it cannot change by accident.
        var expected = ContentHasher()
        expected.update([2, 0, 0, 0, 0, 0, 0, 0] + Array("hi".utf8))
        let want = expected.finalize()
        let framed = fingerprint { $0.add("hi") }
        #expect(framed == want)
    }
}
