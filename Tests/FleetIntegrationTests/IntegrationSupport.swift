import FleetTestSupport
import Foundation
import Testing

extension Tag {
    @Tag static var integration: Self
}

/// A shop-like fleet: three libs and three services under `examples/shop`, the manifest at the repository root.
let shopManifest = """
    version: 1
    name: shop
    root: examples/shop
    registry: ghcr.io/acme
    inputs:
      prod: ["**", "!tests/**"]
    defaults:
      actions:
        build: {run: ./build.sh, inputs: [prod], outputs: ["dist/**"], needs: ["^build"]}
        test: {run: ./test.sh, needs: [build]}
    libs:
      common: {path: libs/common}
      contracts: {path: libs/contracts, deps: [common]}
      auth: {path: libs/auth, deps: [common]}
    services:
      api-gateway:
        path: services/api-gateway
        deps: [contracts, auth]
        actions: {e2e: {run: ./e2e.sh, needs: [build]}}
      orders: {path: services/orders, deps: [contracts]}
      web.app: {path: services/web.app, deps: [api-gateway], actions: {test: null}}

    """

let shopDirectories = ["libs/common", "libs/contracts", "libs/auth", "services/api-gateway", "services/orders",
                       "services/web.app"]

/// A git repository (made with the git CLI) holding the shop fleet.
func makeShopRepository() throws -> GitFixture {
    var files = ["fleet.yaml": shopManifest]
    for directory in shopDirectories { files["examples/shop/\(directory)/README.md"] = "# \(directory)\n" }
    return try GitFixture.make(files: files, prefix: "fleet-it")
}

/// Lines of a process's stderr.
func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Parses JSON output into Foundation values.
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}
