#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many CPUs this process may really use.
public enum ProcessorCount {
    /// The CPUs this process may run on: the scheduler affinity mask (`taskset`), further capped by a cgroup v2
    /// CPU quota (`/sys/fs/cgroup/cpu.max`, how CI containers limit CPUs), never less than 1. Computed once.
    public static let active: Int = computeActive()

    private static func computeActive() -> Int {
        var count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #if os(Linux)
        if let allowed = affinityCount(), allowed > 0 { count = allowed }
        if let quota = cgroupQuota() { count = min(count, quota) }
        #endif
        return max(count, 1)
    }

    /// The bits set in `Cpus_allowed:` of `/proc/self/status` (Glibc's module does not export
    /// `sched_getaffinity`, a GNU extension).
    private static func affinityCount() -> Int? {
        guard let bytes = try? FileSystem.readFile("/proc/self/status", limit: 1 << 20) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        for line in lines where line.hasPrefix("Cpus_allowed:") {
            var total = 0
            for character in line.dropFirst("Cpus_allowed:".count) {
                guard let nibble = character.hexDigitValue else { continue }  // spaces and commas
                total += nibble.nonzeroBitCount
            }
            return total
        }
        return nil
    }

    /// `ceil(quota / period)` from cgroup v2's `cpu.max` ("max 100000" means no quota).
    private static func cgroupQuota() -> Int? {
        guard let bytes = try? FileSystem.readFile("/sys/fs/cgroup/cpu.max", limit: 256) else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0
        else { return nil }
        return max(1, (quota + period - 1) / period)
    }
}
