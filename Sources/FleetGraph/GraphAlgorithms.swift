/// Graph algorithms over dense integer nodes `0..<count` whose order is the tie-break order (fleet numbers targets
/// and actions in name order). All iterative: graphs come from user input and may be deep.
enum GraphAlgorithms {
    /// Kahn's algorithm with the smallest ready node first: a deterministic order where every node comes after the
    /// nodes it points to (`edges[n]` are n's dependencies). Nodes on cycles are appended at the end in index order.
    static func topologicalOrder(count: Int, edges: [[Int]], members: [Bool]? = nil) -> [Int] {
        let included = members ?? Array(repeating: true, count: count)
        var remaining = Array(repeating: 0, count: count)
        var dependents = Array(repeating: [Int](), count: count)
        for node in 0..<count where included[node] {
            for dependency in edges[node] where included[dependency] {
                remaining[node] += 1
                dependents[dependency].append(node)
            }
        }
        var heap = MinHeap()
        for node in 0..<count where included[node] && remaining[node] == 0 { heap.push(node) }
        var order: [Int] = []
        var placed = Array(repeating: false, count: count)
        while let node = heap.pop() {
            order.append(node)
            placed[node] = true
            for dependent in dependents[node] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { heap.push(dependent) }
            }
        }
        for node in 0..<count where included[node] && !placed[node] { order.append(node) }
        return order
    }

    /// Strongly connected components that contain a cycle (more than one node, or a node with an edge to itself),
    /// each sorted, ordered by their smallest node. Tarjan's algorithm with an explicit stack.
    static func cyclicComponents(count: Int, edges: [[Int]]) -> [[Int]] {
        var index = Array(repeating: -1, count: count)
        var lowLink = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var stack: [Int] = []
        var nextIndex = 0
        var components: [[Int]] = []

        for start in 0..<count where index[start] < 0 {
            var work: [(node: Int, edge: Int)] = [(start, 0)]
            index[start] = nextIndex
            lowLink[start] = nextIndex
            nextIndex += 1
            stack.append(start)
            onStack[start] = true
            while let (node, edge) = work.last {
                if edge < edges[node].count {
                    work[work.count - 1].edge += 1
                    let next = edges[node][edge]
                    if index[next] < 0 {
                        index[next] = nextIndex
                        lowLink[next] = nextIndex
                        nextIndex += 1
                        stack.append(next)
                        onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], index[next])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                guard lowLink[node] == index[node] else { continue }
                if stack.last == node {
                    // A component of one node (the common case): a cycle only through an edge to itself.
                    stack.removeLast()
                    onStack[node] = false
                    if edges[node].contains(node) { components.append([node]) }
                    continue
                }
                var component: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    component.append(member)
                    if member == node { break }
                }
                if component.count > 1 || edges[node].contains(node) { components.append(component.sorted()) }
            }
        }
        return components.sorted { $0[0] < $1[0] }
    }

    /// A shortest cycle through `start` that stays inside `component`, following edges in index order:
    /// `[start, …, start]`.
    static func cycle(through start: Int, within component: Set<Int>, edges: [[Int]]) -> [Int] {
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for next in edges[node].sorted() where component.contains(next) {
                if next == start {
                    var chain: [Int] = []
                    var current = node
                    while current != start {
                        chain.append(current)
                        current = previous[current] ?? start
                    }
                    return [start] + chain.reversed() + [start]
                }
                if previous[next] == nil, next != start {
                    previous[next] = node
                    queue.append(next)
                }
            }
        }
        return [start, start]
    }
}

/// A binary min-heap of integers.
struct MinHeap {
    private var items: [Int] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
