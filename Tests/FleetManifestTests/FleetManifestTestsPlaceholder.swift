import FleetManifest
import Testing

// Placeholder until FleetManifest lands.
@Suite struct FleetManifestTestsPlaceholder {}
