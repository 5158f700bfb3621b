import FleetTestSupport
import Testing

// Placeholder until FleetIntegration lands.
@Suite struct FleetIntegrationTestsPlaceholder {}
