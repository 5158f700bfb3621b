/// The actions whose needs are all done, highest priority first (ties: earlier in the plan first). A binary
/// max-heap over plan indices; owned by the scheduler's single loop, never shared.
struct ReadyQueue {
    private var heap: [Int] = []
    private let priorities: [Double]

    init(priorities: [Double]) { self.priorities = priorities }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// Whether `a` should run before `b`.
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let pa = priorities[a], pb = priorities[b]
        return pa != pb ? pa > pb : a < b
    }

    mutating func push(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, precedes(heap[left], heap[first]) { first = left }
            if right < heap.count, precedes(heap[right], heap[first]) { first = right }
            if first == parent { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }

    /// Empties the queue, returning what was in it.
    mutating func drain() -> [Int] {
        defer { heap = [] }
        return heap
    }
}
