import FleetBasics
import FleetGraph
import FleetPlanning

/// Runs a plan: bounded parallelism, the ready action on the longest remaining path first, fail-fast or
/// keep-going, and cancellation.
///
/// One task owns all state (the ready queue, the counters, the statuses) and is the only one to add child tasks
/// to the task group; child tasks only run one action and return its result. When the owning task is cancelled
/// (Ctrl-C), running actions are cancelled too (their process groups are stopped), nothing new starts, and every
/// action not started is skipped with the reason `interrupted`.
struct Scheduler: Sendable {
    let plan: ActionPlan
    let executor: ActionExecutor
    let sink: EventSink
    let options: RunOptions

    struct Report: Sendable {
        /// One per planned action, in plan order.
        var results: [ActionExecutor.Result]
        var interrupted: Bool
    }

    private enum State {
        case waiting, running, done
    }

    func run() async -> Report {
        let count = plan.actions.count
        let dependents = plan.dependents()
        var remainingNeeds = plan.actions.map(\.needs.count)
        var state = [State](repeating: .waiting, count: count)
        var results = [ActionExecutor.Result?](repeating: nil, count: count)
        var tainted = [Bool](repeating: false, count: count)
        var ready = ReadyQueue(priorities: plan.actions.map(\.priority))
        for i in 0..<count where remainingNeeds[i] == 0 { ready.push(i) }
        var freeSlots = Array((0..<options.jobs).reversed())
        var slotOf = [Int](repeating: 0, count: count)
        var stopped: String?  // why nothing new starts: fail-fast after a failure, or an interruption
        var interrupted = false

        func label(_ i: Int) -> ActionLabel {
            ActionLabel(target: plan.actions[i].label.target, action: plan.actions[i].label.action)
        }

        func skip(_ i: Int, reason: String) {
            guard state[i] == .waiting else { return }
            state[i] = .done
            let now = sink.now()
            let outcome = ActionOutcome(
                label: plan.actions[i].label, key: plan.actions[i].fingerprint.hex, status: .skipped, reason: reason,
                startedAt: now, finishedAt: now)
            results[i] = ActionExecutor.Result(outcome: outcome)
            sink.emit(.actionFinished(.init(
                label: label(i), key: outcome.key, status: .skipped, startedAt: now, at: now, reason: reason, slot: 0)))
        }

        /// Skips everything that needs `i` (which failed or was skipped), transitively.
        func skipDependents(of failed: Int) {
            var stack = [(failed, failed)]
            while let (i, cause) = stack.popLast() {
                for d in dependents[i] where state[d] == .waiting {
                    let reason = i == cause
                        ? "needs \(plan.actions[i].label), which failed"
                        : "needs \(plan.actions[i].label), which was skipped because \(plan.actions[cause].label) failed"
                    skip(d, reason: reason)
                    stack.append((d, cause))
                }
            }
        }

        /// Records a finished action and makes ready what waited for it. Group actions (no command) finish as
        /// soon as they are ready, without a process or a slot; the worklist keeps chains of them iterative.
        func finished(_ first: Int, _ firstResult: ActionExecutor.Result) {
            var work = [(first, firstResult)]
            while let (i, result) = work.popLast() {
                state[i] = .done
                results[i] = result
                let o = result.outcome
                sink.emit(.actionFinished(.init(
                    label: label(i), key: o.key, status: o.status, startedAt: o.startedAt, at: o.finishedAt,
                    exitCode: o.exitCode, reason: o.reason, savedSeconds: o.savedSeconds, stdoutPath: o.stdoutPath,
                    stderrPath: o.stderrPath, slot: slotOf[i])))
                tainted[i] = o.inputsChanged || plan.actions[i].needs.contains { tainted[$0] }
                if o.status == .failed {
                    if o.reason == "interrupted" { continue }
                    skipDependents(of: i)
                    if !options.keepGoing, stopped == nil {
                        stopped = "not started: \(plan.actions[i].label) failed (fail-fast; --keep-going runs it)"
                    }
                    continue
                }
                for d in dependents[i] {
                    remainingNeeds[d] -= 1
                    guard remainingNeeds[d] == 0, state[d] == .waiting else { continue }
                    if plan.actions[d].isGroup, stopped == nil {
                        work.append((d, completeGroup(d)))
                    } else {
                        ready.push(d)
                    }
                }
            }
        }

        func completeGroup(_ i: Int) -> ActionExecutor.Result {
            state[i] = .running
            slotOf[i] = 0
            let now = sink.now()
            let action = plan.actions[i]
            sink.emit(.actionStarted(.init(label: label(i), key: action.fingerprint.hex, command: nil, at: now, slot: 0)))
            return ActionExecutor.Result(outcome: ActionOutcome(
                label: action.label, key: action.fingerprint.hex, status: .executed, startedAt: now, finishedAt: now))
        }

        await withTaskGroup(of: (Int, ActionExecutor.Result).self) { group in
            var running = 0

            func startReady() {
                while stopped == nil, running < options.jobs, let i = ready.pop() {
                    guard state[i] == .waiting else { continue }
                    let action = plan.actions[i]
                    if action.isGroup {
                        finished(i, completeGroup(i))
                        continue
                    }
                    let slot = freeSlots.popLast() ?? 0
                    state[i] = .running
                    slotOf[i] = slot
                    running += 1
                    sink.emit(.actionStarted(.init(
                        label: label(i), key: action.fingerprint.hex, command: action.command, at: sink.now(),
                        slot: slot)))
                    let mayStore = !action.needs.contains { tainted[$0] }
                    let executor = self.executor
                    group.addTask { (i, await executor.execute(action, mayStore: mayStore)) }
                }
            }

            startReady()
            while running > 0, let (i, result) = await group.next() {
                running -= 1
                freeSlots.append(slotOf[i])
                freeSlots.sort(by: >)
                finished(i, result)
                if options.isInterrupted, !interrupted {
                    interrupted = true
                    stopped = "interrupted"
                }
                startReady()
            }
        }
        if options.isInterrupted { interrupted = true }

        // Whatever never started: fail-fast, interruption, or (in theory) a cycle.
        for i in 0..<count where state[i] == .waiting {
            skip(i, reason: interrupted ? "interrupted" : stopped ?? "not started: its needs never finished")
        }
        let all = results.enumerated().map { i, result in
            result ?? ActionExecutor.Result(outcome: ActionOutcome(
                label: plan.actions[i].label, key: plan.actions[i].fingerprint.hex, status: .skipped,
                reason: "not started", startedAt: 0, finishedAt: 0))
        }
        return Report(results: all, interrupted: interrupted)
    }
}
