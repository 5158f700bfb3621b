import FleetInputs
import Testing

// Placeholder until FleetInputs lands.
@Suite struct FleetInputsTestsPlaceholder {}
