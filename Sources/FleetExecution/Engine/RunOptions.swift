/// How to run a plan.
public struct RunOptions: Sendable {
    /// The most actions running at once (at least 1).
    public var jobs: Int
    /// False (the default): after the first failure start nothing new. True: run everything that does not
    /// depend on a failure.
    public var keepGoing: Bool
    /// False for `--no-cache`: no lookups and no stores (logs and run records still go to the cache directory).
    public var useCache: Bool
    /// The cache directory: the store, the memos, and `runs/` (logs, records, history).
    public var cacheDirectory: String
    /// The workspace root (`FLEET_ROOT`), absolute.
    public var rootDirectory: String
    /// The variables passed through from fleet's environment (PATH, HOME, LANG, TMPDIR).
    public var environment: CleanEnvironment
    /// A ``FileStat/fileClockNow()`` reading taken before the keys were computed. An executed action whose
    /// input files changed after it is not stored in the cache (its outputs may come from other content than
    /// its key says). nil: no check.
    public var inputsHashedAt: Int64?
    /// How many run directories (logs and records) to keep under `runs/`.
    public var keptRuns: Int
    /// The cache size the run trims to afterwards (nil: no trimming), and the age limit.
    public var maxCacheSize: UInt64?
    public var maxCacheAge: Duration?
    /// How long a process group gets between SIGTERM (timeout, interruption) and SIGKILL.
    public var terminationGracePeriod: Duration
    /// Set by the signal trap: the run was asked to stop (besides its task being cancelled).
    public var interruption: RunInterruption?

    public init(
        jobs: Int, keepGoing: Bool = false, useCache: Bool = true, cacheDirectory: String, rootDirectory: String,
        environment: CleanEnvironment = .current(), inputsHashedAt: Int64? = nil, keptRuns: Int = 20,
        maxCacheSize: UInt64? = nil, maxCacheAge: Duration? = nil, terminationGracePeriod: Duration = .seconds(5),
        interruption: RunInterruption? = nil
    ) {
        self.jobs = max(1, jobs)
        self.keepGoing = keepGoing
        self.useCache = useCache
        self.cacheDirectory = cacheDirectory
        self.rootDirectory = rootDirectory
        self.environment = environment
        self.inputsHashedAt = inputsHashedAt
        self.keptRuns = max(1, keptRuns)
        self.maxCacheSize = maxCacheSize
        self.maxCacheAge = maxCacheAge
        self.terminationGracePeriod = terminationGracePeriod
        self.interruption = interruption
    }

    /// Whether the run is being stopped: its task was cancelled or a signal arrived.
    var isInterrupted: Bool { Task.isCancelled || interruption?.isTriggered == true }
}
