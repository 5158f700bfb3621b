import FleetBasics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// git's order of paths: plain byte order of the UTF-8 form (what `git ls-files` and `git ls-tree -r` print).
///
/// Swift's `String <` compares Unicode canonical equivalents as equal and is slow in unoptimised builds; this is a
/// `memcmp`.
enum PathOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        // Native strings lend their bytes directly; anything else is copied once by withUTF8.
        if let order = lhs.utf8.withContiguousStorageIfAvailable({ a in
            rhs.utf8.withContiguousStorageIfAvailable { b in
                compare(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b))
            }
        }), let order {
            return order < 0
        }
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { a in
            rhs.withUTF8 { b in compare(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) < 0 }
        }
    }

    /// `memcmp` order of two byte strings, a prefix first.
    @inline(__always)
    private static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
        let common = min(a.count, b.count)
        if common > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order }
        }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }

    /// Byte equality of the UTF-8 forms (`==` on `String` treats canonically equivalent forms, such as a
    /// precomposed and a decomposed `é`, as equal; git does not).
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.utf8HasPrefix(rhs)
    }
}
