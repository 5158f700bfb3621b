#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Whether `self` sorts before `other` by their UTF-8 bytes (git's path order; `memcmp`, no Unicode
    /// normalisation, unlike `<`).

    public func utf8Precedes(_ other: String) -> Bool {
        var a = self, b = other  // withUTF8 needs `inout`; native strings are not copied
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let common = Swift.min(pa.count, pb.count)
                let order = common == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, common)
                return order < 0 || (order == 0 && pa.count < pb.count)
            }
        }
    }

    /// Whether the UTF-8 bytes of `self` start with those of `prefix`.

    public func utf8HasPrefix(_ prefix: String) -> Bool {
        var a = self, b = prefix
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                pb.count <= pa.count && (pb.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pb.count) == 0)
            }
        }
    }
}
