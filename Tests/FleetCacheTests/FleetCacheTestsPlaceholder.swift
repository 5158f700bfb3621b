import FleetCache
import Testing

// Placeholder until FleetCache lands.
@Suite struct FleetCacheTestsPlaceholder {}
