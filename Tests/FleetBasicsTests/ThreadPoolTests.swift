import FleetBasics
import Synchronization
import Testing

@Suite struct ThreadPoolTests {
    @Test func mapKeepsInputOrderAndCallsEachIndexOnce() async {
        let pool = ThreadPool(threadCount: 3)
        let calls = Mutex([Int: Int]())
        let results = await pool.map(1000) { index in
            calls.withLock { $0[index, default: 0] += 1 }
            return index * 2
        }
        #expect(results == (0..<1000).map { $0 * 2 })
        let counts = calls.withLock { $0 }
        #expect(counts.count == 1000)
        #expect(counts.values.allSatisfy { $0 == 1 })
    }

    @Test func forEachOfNothingReturns() async {
        await ThreadPool.shared.forEach(0) { _ in Issue.record("no index expected") }
    }

    @Test func runReturnsValuesAndTypedErrors() async throws {
        struct Boom: Error, Equatable {}
        let pool = ThreadPool(threadCount: 2)
        let value = await pool.run { 42 }
        #expect(value == 42)
        await #expect(throws: Boom()) {
            try await pool.run { () throws(Boom) -> Int in throw Boom() }
        }
    }

    @Test func workRunsOnSeveralThreadsAtOnce() async {
        // Each job waits until it has seen another job running: with one thread this would never finish, so the
        // test proves real parallelism (it is bounded by a spin limit rather than a clock).
        let pool = ThreadPool(threadCount: 2)
        let running = Atomic<Int>(0)
        let sawOverlap = Atomic<Bool>(false)
        await pool.forEach(2) { _ in
            running.add(1, ordering: .relaxed)
            for _ in 0..<50_000_000 {
                if running.load(ordering: .relaxed) == 2 { sawOverlap.store(true, ordering: .relaxed) }
                if sawOverlap.load(ordering: .relaxed) { break }
            }
            running.subtract(1, ordering: .relaxed)
        }
        let overlapped = sawOverlap.load(ordering: .relaxed)
        #expect(overlapped)
    }

    @Test func activeProcessorCountIsPositive() {
        #expect(ProcessorCount.active >= 1)
    }
}
