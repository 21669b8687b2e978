/// Numbers in marks: parsed like `strtoul(…, 0)` (decimal, `0x` hex, leading-zero octal), printed `0x…`.
enum MarkNumber {
    static func parse(_ text: some StringProtocol) -> UInt32? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("0x") { return UInt32(lowered.dropFirst(2), radix: 16) }
        if lowered.count > 1, lowered.hasPrefix("0") { return UInt32(lowered.dropFirst(), radix: 8) }
        return UInt32(lowered)
    }

    /// Parses `V` or `V/M`; the mask is nil when absent.
    static func parsePair(_ text: String) -> (value: UInt32, mask: UInt32?)? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let value = parse(parts[0]) else { return nil }
        guard parts.count == 2 else { return (value, nil) }
        guard let mask = parse(parts[1]) else { return nil }
        return (value, mask)
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}
