import FleetBasics
import FleetManifest
import Testing

/// The `gitops:` section: the model, defaults, and one test per validation rule.
@Suite struct GitOpsManifestTests {
    static let services = """
        version: 1
        registry: ghcr.io/acme
        services:
          api: {path: api}
          web.app: {path: web}
          worker: {path: worker}

        """
    static let directories = ["api", "web", "worker"]

    func gitopsErrors(_ section: String) throws -> [String] {
        try errors(Self.services + section, directories: Self.directories)
    }

    @Test func fullSectionIsModelled() throws {
        let manifest = try loadValid(Self.services + """
            gitops:
              dir: ./gitops/
              environments: [dev, staging, prod]
              tag: "sha-{commit}"
              digestFile: dist/image.digest
              registry: registry/versions.yaml
              files:
                - path: environments/{env}/{service}.yaml
                  services: ["*", "!worker"]
                  repository: image.repository
                  tag: image.tag
                  digest: image.digest
                - path: kustomize/{service}/overlays/{env}/kustomization.yaml
                  services: [worker]
                  kustomize: true
                - path: all/{env}.yaml
                  image: '"{service}".containers[name=main].image'
                  document: kind=Deployment
                  optional: true
              argocd:
                repoURL: https://example.com/gitops.git
                targetRevision: main
                project: shop
                namespace: shop
                cluster: "shop-{env}"
                chart: {repoURL: https://charts.example.com, name: svc, version: 1.2.3}
                labels: {team.example.com/env: "{env}"}
                sync: {prod: {automated: false, options: [CreateNamespace=true, PruneLast=true]}, dev: auto}

            """, directories: Self.directories)
        let gitops = try #require(manifest.gitops)
        #expect(gitops.dir == "gitops")
        #expect(gitops.environments == ["dev", "staging", "prod"])
        #expect(gitops.tag.value == "sha-{commit}")
        #expect(gitops.digestFile == "dist/image.digest")
        #expect(gitops.registry == "registry/versions.yaml")
        #expect(gitops.files.count == 3)
        #expect(gitops.files(for: "api").map(\.path) == ["environments/{env}/{service}.yaml", "all/{env}.yaml"])
        #expect(gitops.files(for: "worker").map(\.path)
            == ["kustomize/{service}/overlays/{env}/kustomization.yaml", "all/{env}.yaml"])
        #expect(gitops.files[0].kind == .values(repository: try YAMLPath(parsing: "image.repository"),
                                                tag: try YAMLPath(parsing: "image.tag"),
                                                digest: try YAMLPath(parsing: "image.digest")))
        #expect(gitops.files[0].path(service: "web.app", environment: "dev") == "environments/dev/web.app.yaml")
        #expect(gitops.files[2].isOptional)
        #expect(gitops.files[2].document == [DocumentCondition(path: try YAMLPath(parsing: "kind"),
                                                               value: "Deployment")])
        let argocd = try #require(gitops.argocd)
        #expect(argocd.cluster == "shop-{env}")
        #expect(argocd.appNamespace == "argocd")
        #expect(argocd.chart?.name == "svc")
        #expect(argocd.labels == [.init(key: "team.example.com/env", value: "{env}")])
        #expect(argocd.syncPolicy(for: "prod", in: gitops.environments).automated == false)
        #expect(argocd.syncPolicy(for: "prod", in: gitops.environments).options ?? []
            == ["CreateNamespace=true", "PruneLast=true"])
        #expect(argocd.syncPolicy(for: "staging", in: gitops.environments).automated)
        #expect(gitops.environment(before: "prod") == "staging")
        #expect(gitops.environment(before: "dev") == nil)
    }

    @Test func defaults() throws {
        let manifest = try loadValid(Self.services + """
            gitops:
              dir: gitops
              environments: [dev, prod]
              files: [{path: "{env}/{service}.yaml", tag: image.tag}]
              argocd: {repoURL: https://example.com/g.git}

            """, directories: Self.directories)
        let gitops = try #require(manifest.gitops)
        #expect(gitops.tag.value == "{commit}")
        let argocd = try #require(gitops.argocd)
        #expect(argocd.namespace == "{env}")
        #expect(argocd.project == "default")
        #expect(argocd.apps == "apps/{env}/{service}.yaml")
        #expect(argocd.syncPolicy(for: "dev", in: gitops.environments).automated)
        #expect(!argocd.syncPolicy(for: "prod", in: gitops.environments).automated)
    }

    @Test func requiredKeysAndTypes() throws {
        #expect(try gitopsErrors("gitops: {environments: dev}\n") == [
            "fleet.yaml:7:1: error: gitops is missing the required key 'dir'",
            "fleet.yaml:7:1: error: 'gitops.files' must list at least one file",
            "fleet.yaml:7:24: error: 'gitops.environments': expected a list of strings, found a string",
        ])
        #expect(try gitopsErrors("gitops: [dir]\n") == [
            "fleet.yaml:7:9: error: 'gitops': expected a mapping, found a list",
        ])
    }

    @Test func unknownKeysAndPlaceholders() throws {
        let lines = try gitopsErrors("""
            gitops:
              dir: g
              environments: [dev, dev, Prod]
              tag: "{comit}/x"
              files:
                - {path: "{env}/{svc}.yaml", tag: image.tag}
                - {path: "{env}/{service}.yaml", tags: image.tag}
                - {path: "../{env}/{service}.yaml", tag: "image[.tag"}
                - {path: "{env}/{service}.yaml", kustomize: true, tag: x}
                - {path: "{env}.yaml", tag: image.tag}
                - {path: "{service}.yaml", tag: image.tag, services: [apii, "x*"]}

            """)
        #expect(lines == [
            "fleet.yaml:9:23: error: duplicate key 'dev'",
            "fleet.yaml:9:28: error: invalid environment name 'Prod'",
            "fleet.yaml:10:8: error: unknown placeholder '{comit}'",
            "fleet.yaml:10:8: error: the tag template '{comit}/x' contains '/', which an image tag cannot contain",
            "fleet.yaml:12:14: error: unknown placeholder '{svc}'",
            "fleet.yaml:13:7: error: a gitops file entry needs 'tag' (and optionally 'repository', 'digest'), "
                + "'image', or 'kustomize: true'",
            "fleet.yaml:13:38: error: unknown key 'tags' in a gitops file entry",
            "fleet.yaml:14:14: error: 'path' must stay inside its directory, found '../{env}/{service}.yaml'",
            "fleet.yaml:14:46: error: invalid YAML path 'image[.tag': empty key",
            "fleet.yaml:15:60: error: a 'kustomize: true' entry takes no 'tag'",
            "fleet.yaml:16:14: error: '{env}.yaml' would hold the image of 3 services in one place",
            "fleet.yaml:17:59: error: unknown service 'apii'",
            "fleet.yaml:17:65: error: 'x*' matches no service",
        ])
        let full = try fullDiagnostics(Self.services + "gitops: {dir: g, environments: [a], tag: '{comit}', "
                                           + "files: [{path: x, tag: t}]}\n", directories: Self.directories)
        #expect(full.first?.contains("hint: did you mean '{commit}'?") == true)
    }

    @Test func argocdRules() throws {
        let lines = try gitopsErrors("""
            gitops:
              dir: g
              environments: [dev, prod]
              files: [{path: "{env}/{service}.yaml", tag: image.tag}]
              argocd:
                project: p
                apps: "apps/{service}.yaml"
                chart: {repoURL: https://c, path: charts/x}
                sync: {qa: manual, prod: sometimes}

            """)
        #expect(lines == [
            "fleet.yaml:12:5: error: gitops.argocd is missing the required key 'repoURL'",
            "fleet.yaml:15:30: error: 'sync.prod': expected 'auto', 'manual' or a mapping, found 'sometimes'",
        ])
        let more = try gitopsErrors("""
            gitops:
              dir: g
              environments: [dev, prod]
              files: [{path: "{env}/{service}.yaml", tag: image.tag}]
              argocd:
                repoURL: https://g
                apps: "apps/{service}.yaml"
                chart: {repoURL: https://c, path: charts/x}
                sync: {qa: manual}

            """)
        #expect(more == [
            "fleet.yaml:13:11: error: 'apps' must use both {env} and {service}",
            "fleet.yaml:14:12: error: 'chart' takes either 'repoURL' and 'name' (a Helm repository) or 'path' "
                + "(a chart in the GitOps repository), not both",
            "fleet.yaml:15:12: error: 'qa' is not one of gitops.environments",
        ])
    }

    @Test func singleServiceEntriesNeedNoServicePlaceholder() throws {
        let manifest = try loadValid(Self.services + """
            gitops:
              dir: g
              environments: [dev]
              files:
                - {path: worker.yaml, tag: image.tag, services: [worker]}
                - {path: "{service}.yaml", tag: image.tag, services: ["*", "!worker"]}

            """, directories: Self.directories)
        #expect(manifest.gitops?.files(for: "worker").count == 1)
        #expect(manifest.gitops?.files(for: "api").map(\.path) == ["{service}.yaml"])
    }
}
