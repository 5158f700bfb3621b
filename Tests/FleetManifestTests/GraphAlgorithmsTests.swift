@testable import FleetGraph
import Testing

@Suite struct GraphAlgorithmsTests {
    /// Components of one node are a cycle only with an edge to themselves (the shortcut for the common case).
    @Test func cyclicComponentsOfSmallGraphs() {
        #expect(GraphAlgorithms.cyclicComponents(count: 3, edges: [[1], [2], []]).isEmpty)
        #expect(GraphAlgorithms.cyclicComponents(count: 3, edges: [[], [1], [1]]) == [[1]])
        #expect(GraphAlgorithms.cyclicComponents(count: 4, edges: [[1], [0], [2], []]) == [[0, 1], [2]])
        #expect(GraphAlgorithms.cyclicComponents(count: 5, edges: [[4], [2], [3], [1], [4]]) == [[1, 2, 3], [4]])
        #expect(GraphAlgorithms.cyclicComponents(count: 0, edges: []).isEmpty)
    }

    /// Against the definition on random graphs: a node is on a cycle when it reaches itself, and two such nodes
    /// are in one component when each reaches the other.
    @Test func cyclicComponentsOfRandomGraphs() {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let count = 1 + next(8)
            let edges = (0..<count).map { _ in (0..<next(3)).map { _ in next(count) } }
            var reaches = (0..<count).map { node in Set(edges[node]) }
            for _ in 0..<count {
                for node in 0..<count { for next in reaches[node] { reaches[node].formUnion(reaches[next]) } }
            }
            var expected: [[Int]] = []
            for node in 0..<count where reaches[node].contains(node) {
                let component = (0..<count).filter { reaches[node].contains($0) && reaches[$0].contains(node) }
                if component.first == node { expected.append(component) }
            }
            #expect(GraphAlgorithms.cyclicComponents(count: count, edges: edges) == expected, "\(edges)")
        }
    }
}
