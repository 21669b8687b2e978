/// A `--probability` value: the decimal as written and the 31-bit fraction the kernel stores.
///
/// Linux/iptables: libxt_statistic stores `lround(0x80000000 * p)` and `xt_statistic` matches when
/// `(get_random_u32() & 0x7FFFFFFF) < stored`; `iptables-save` prints `%.11f` of `stored / 2³¹`, so kube-proxy's
/// `0.3333333333` is saved as `0.33333333349` and `0.5000000000` as `0.50000000000` (fact 15).
public struct Probability: Hashable, Sendable, CustomStringConvertible {
    /// The written value is `units / 10^fractionDigits`.
    public let units: UInt64
    /// How many decimals were written (kube-proxy writes 10, `iptables-save` 11).
    public let fractionDigits: Int

    /// Creates the decimal `units / 10^fractionDigits`; nil above 1 or with more than 18 decimals.
    public init?(units: UInt64, fractionDigits: Int) {
        guard (0...18).contains(fractionDigits), units <= Self.powerOfTen(fractionDigits) else { return nil }
        self.units = units
        self.fractionDigits = fractionDigits
    }

    private init(uncheckedUnits units: UInt64, fractionDigits: Int) {
        self.units = units
        self.fractionDigits = fractionDigits
    }

    /// Zero (`0`).
    public static let zero = Probability(uncheckedUnits: 0, fractionDigits: 0)

    /// Parses a plain decimal between 0 and 1 (`0.5000000000`, `1`, `.25`); nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = parts[0]
        let fractionPart = parts.count == 2 ? parts[1] : ""
        guard !(integerPart.isEmpty && fractionPart.isEmpty), integerPart.count <= 1, fractionPart.count <= 18,
            integerPart.allSatisfy(\.isASCIIDigit), fractionPart.allSatisfy(\.isASCIIDigit),
            let whole = UInt64(integerPart.isEmpty ? "0" : String(integerPart)),
            let fraction = UInt64(fractionPart.isEmpty ? "0" : String(fractionPart))
        else { return nil }
        self.init(units: whole * Self.powerOfTen(fractionPart.count) + fraction, fractionDigits: fractionPart.count)
    }

    /// The probability a kube-proxy service chain gives rule `index` of `count` endpoints: `1/(count−index)`
    /// formatted `%0.10f`.
    ///
    /// kube-proxy: `computeProbability` in pkg/proxy/iptables/proxier.go.
    public static func kubeProxy(remainingEndpoints: Int) -> Probability? {
        guard remainingEndpoints > 0 else { return nil }
        let scale = powerOfTen(10)
        let divisor = UInt64(remainingEndpoints)
        var units = scale / divisor
        let remainder = scale % divisor
        if remainder * 2 > divisor || (remainder * 2 == divisor && units % 2 == 1) { units += 1 }
        return Probability(units: units, fractionDigits: 10)
    }

    /// The written value as a double.
    public var value: Double {
        Double(units) / Double(Self.powerOfTen(fractionDigits))
    }

    /// The 31-bit fraction the kernel compares against: `lround(2³¹ · p)`, from the value as `strtod` reads
    /// the written text.
    public var kernelValue: UInt32 {
        let parsed = Double(description) ?? value
        let scaled = (parsed * 2_147_483_648.0).rounded(.toNearestOrAwayFromZero)
        return UInt32(min(max(scaled, 0), 2_147_483_648.0))
    }

    /// What `iptables-save` prints: `%.11f` of `kernelValue / 2³¹`, computed exactly (ties to even, as glibc).
    public var savedText: String {
        // kernelValue / 2^31 · 10^11 = kernelValue · 5^11 / 2^20.
        let numerator = UInt64(kernelValue) * 48_828_125
        var quotient = numerator >> 20
        let remainder = numerator & 0xF_FFFF
        if remainder > 0x8_0000 || (remainder == 0x8_0000 && quotient % 2 == 1) { quotient += 1 }
        return Self.decimal(quotient, fractionDigits: 11)
    }

    /// The decimal as written (`0.5000000000`).
    public var description: String { Self.decimal(units, fractionDigits: fractionDigits) }

    private static func decimal(_ units: UInt64, fractionDigits: Int) -> String {
        guard fractionDigits > 0 else { return String(units) }
        let scale = powerOfTen(fractionDigits)
        let fraction = String(units % scale)
        return "\(units / scale)." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
    }

    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(1) { result, _ in result * 10 }
    }
}
