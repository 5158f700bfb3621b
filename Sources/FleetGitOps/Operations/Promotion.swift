public import FleetBasics
public import FleetManifest

/// Works out what `fleet promote --from A --to B` copies: the exact tag and digest each service has in A.
public enum Promotion {
    /// Checks the direction of a promotion in `gitops.environments`; returns the warnings to show when `force`
    /// overrides a skipped stage or a backwards promotion.
    public static func checkOrder(from: String, to: String, settings: GitOpsSettings, force: Bool)
        throws(DiagnosticsError) -> [Diagnostic]
    {
        do throws(GitOpsError) {
            try Bump.checkEnvironment(from, in: settings)
            try Bump.checkEnvironment(to, in: settings)
            if from == to { throw GitOpsError.sameEnvironment(from) }
        } catch {
            throw DiagnosticsError(error.diagnostics)
        }
        let environments = settings.environments
        guard let source = environments.firstIndex(of: from), let target = environments.firstIndex(of: to) else {
            return []
        }
        let problem: GitOpsError?
        if target < source {
            problem = .promotionBackwards(from: from, to: to)
        } else if target > source + 1 {
            problem = .promotionSkipsStages(from: from, to: to, skipped: Array(environments[(source + 1)..<target]))
        } else {
            problem = nil
        }
        guard let problem else { return [] }
        guard force else { throw DiagnosticsError(problem.diagnostics) }
        return problem.diagnostics.map { diagnostic in
            Diagnostic(.warning, diagnostic.message + " (--force)")
        }
    }

    /// The image of every requested service in `from`, aimed at `to`.
    /// - Throws: ``GitOpsError/nothingToPromote(service:environment:)`` for a service with no image in `from`.
    public static func targets(manifest: Manifest, planner: GitOpsPlanner, from: String, to: String,
                               services names: [String]) throws(DiagnosticsError) -> [ImageTarget] {
        let services = try Bump.services(names, in: manifest)
        var problems = DiagnosticCollector()
        var targets: [ImageTarget] = []
        for service in services {
            guard let image = service.image else { continue }
            let current = try planner.currentImage(service: service.name, imageName: image.name,
                                                   repository: image.repository, environment: from)
            guard let current else {
                // Promoting everything skips services that are not deployed in the source environment.
                if !names.isEmpty {
                    problems.append(contentsOf: GitOpsError.nothingToPromote(service: service.name,
                                                                             environment: from).diagnostics)
                }
                continue
            }
            targets.append(ImageTarget(
                service: service.name, environment: to,
                reference: ImageReference(repository: image.repository, tag: current.tag, digest: current.digest),
                imageName: image.name))
        }
        try problems.throwIfErrors()
        if targets.isEmpty {
            throw DiagnosticsError(GitOpsError.nothingToPromote(service: "no service", environment: from).diagnostics)
        }
        return targets
    }
}
