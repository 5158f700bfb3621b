import FleetYAML
import Testing

// Placeholder until FleetYAML lands.
@Suite struct FleetYAMLTestsPlaceholder {}
