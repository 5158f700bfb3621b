import FleetHashing
import Testing

// Placeholder until FleetHashing lands.
@Suite struct FleetHashingTestsPlaceholder {}
