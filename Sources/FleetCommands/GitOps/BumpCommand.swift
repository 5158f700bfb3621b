import ArgumentParser
import FleetBasics
import FleetGitOps
import FleetManifest

/// `fleet bump`: writes new image tags (and digests) into the GitOps repository for one environment.
struct BumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bump",
        abstract: "Write new image tags into the GitOps repository for one environment.",
        discussion: """
            Writes each service's image (repository, tag, digest) into every file gitops.files maps for the \
            environment, and into the versions registry, changing only those values: every other byte of the \
            files stays as it was. The tag is --tag, or gitops.tag ({commit}, {sha}, {key}, {version}, {service}, \
            {env}) computed from the source commit.

            Without SERVICEs, bumps every service; with --from-run, every service the last 'fleet run' built, with \
            their build keys and digests (gitops.digestFile).

            Nothing to change prints "up to date" and exits 0. Files with uncommitted changes are refused unless \
            --allow-dirty. --commit makes one commit on a new branch (fleet/bump-ENV-<short>) instead of editing \
            the working tree. fleet never pushes.

            Examples:
              fleet bump --env dev --tag sha-4e1f0a2 api-gateway --dry-run
              fleet bump --env dev --from-run --commit
              fleet bump --env staging order-service --digest sha256:… --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cache: CacheOptions
    @OptionGroup var write: GitOpsWriteOptions

    @Option(name: .long, help: ArgumentHelp("The environment to bump (one of gitops.environments).",
                                            valueName: "env"))
    var env: String

    @Option(name: .long, help: ArgumentHelp("The tag of every bumped service, instead of gitops.tag.",
                                            valueName: "tag"))
    var tag: String?

    @Option(name: .long, help: ArgumentHelp("The image digest (sha256:…) of the one service bumped.",
                                            valueName: "digest"))
    var digest: String?

    @Flag(name: .long, help: "Bump the services built by the last 'fleet run' (its run record in the cache).")
    var fromRun = false

    @Argument(help: ArgumentHelp("Services to bump (default: all, or those the last run built).",
                                 valueName: "service"))
    var services: [String] = []

    func run() async throws {
        try await runReporting(global) { console in
            var context = try GitOpsContext(global: global, gitopsDir: write.gitopsDir)
            var request = BumpRequest(environment: env, services: services, tag: tag, digest: digest)
            if fromRun {
                let path = RunRecord.path(inCache: cache.directory(for: context.manifest.workspace))
                request.run = (try RunRecord.load(path: path, displayPath: FileSystem.displayPath(path)),
                               FileSystem.displayPath(path))
                context.stampCommit = request.run?.record.commit
            }
            let environment = env
            try context.run(
                write, console: console, describe: "\(environment)",
                makeTargets: { _ in
                    request.sourceCommit = context.sourceCommit()
                    return try Bump.targets(manifest: context.manifest, request: request)
                },
                message: { plan, source in
                    GitOpsCommitMessage.bump(plan, environment: environment, sourceCommit: source)
                },
                branchName: { plan, source in
                    "fleet/bump-\(environment)-" + (source.map { String($0.prefix(7)) }
                        ?? plan.targets.first?.reference.tag ?? "images")
                })
        }
    }
}

/// `fleet promote`: copies the exact images of one environment to the next.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Copy the exact image tags and digests of one environment to another.",
        discussion: """
            Reads each service's tag and digest in --from (from the files gitops.files maps) and writes them into \
            --to, like 'fleet bump'. A named service with no image in --from is refused. Promoting past a stage of \
            gitops.environments (dev → prod) or backwards is refused unless --force.

            Examples:
              fleet promote --from dev --to staging --dry-run
              fleet promote --from staging --to prod payment-service --commit
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: GitOpsWriteOptions

    @Option(name: .long, help: ArgumentHelp("The environment to copy from.", valueName: "env"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The environment to copy to.", valueName: "env"))
    var to: String

    @Flag(name: .long, help: "Allow skipping a stage of the promotion order, or promoting backwards.")
    var force = false

    @Argument(help: ArgumentHelp("Services to promote (default: every service deployed in --from).",
                                 valueName: "service"))
    var services: [String] = []

    func run() async throws {
        try await runReporting(global) { console in
            let context = try GitOpsContext(global: global, gitopsDir: write.gitopsDir)
            let warnings = try Promotion.checkOrder(from: from, to: to, settings: context.settings, force: force)
            console.report(warnings)
            let (source, target) = (from, to)
            try context.run(
                write, console: console, describe: "\(source) → \(target)",
                makeTargets: { planner in
                    try Promotion.targets(manifest: context.manifest, planner: planner, from: source, to: target,
                                          services: services)
                },
                message: { plan, commit in
                    GitOpsCommitMessage.promote(plan, from: source, to: target, sourceCommit: commit)
                },
                branchName: { plan, _ in
                    "fleet/promote-\(source)-to-\(target)-" + (plan.targets.first?.reference.tag ?? "images")
                })
        }
    }
}
