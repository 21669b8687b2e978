/// Packet and byte counters, printed `[packets:bytes]`.
///
/// iptables: a chain line `:INPUT ACCEPT [12:720]`, or a rule prefix with `iptables-save -c`.
public struct Counters: Hashable, Sendable, CustomStringConvertible {
    /// Packets counted.
    public var packets: UInt64
    /// Bytes counted.
    public var bytes: UInt64

    /// Creates counters.
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }

    /// `[0:0]`, what every chain shows after a restore without `--counters`.
    public static let zero = Counters()

    /// Parses `[packets:bytes]`; nil when malformed.
    public init?(bracketed text: some StringProtocol) {
        guard text.hasPrefix("["), text.hasSuffix("]"), text.count >= 5 else { return nil }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let packets = UInt64(parts[0]), let bytes = UInt64(parts[1]) else { return nil }
        self.init(packets: packets, bytes: bytes)
    }

    /// `[packets:bytes]`.
    public var description: String { "[\(packets):\(bytes)]" }
}
