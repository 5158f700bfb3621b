import FleetBasics
import Testing

@Suite struct QuantityFormatTests {
    @Test(arguments: [
        (0.0, "0ms"),
        (0.0004, "0ms"),
        (0.85, "850ms"),
        (0.9996, "1.0s"),
        (1.0, "1.0s"),
        (2.44, "2.4s"),
        (59.94, "59.9s"),
        (59.96, "1m00s"),
        (192.0, "3m12s"),
        (3599.6, "1h00m"),
        (3900.0, "1h05m"),
        (-3.0, "0ms"),
        (Double.nan, "?"),
        (Double.infinity, "?"),
        (1e300, "277777777777h46m"),
    ])
    func formatDuration(seconds: Double, expected: String) {
        #expect(Quantity.formatDuration(seconds: seconds) == expected)
    }
}
