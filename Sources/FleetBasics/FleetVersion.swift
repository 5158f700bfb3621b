/// fleet's own version, printed by `fleet --version` and recorded in cache entries and run records.
public enum FleetVersion {
    public static let current = "0.1.0"
}
