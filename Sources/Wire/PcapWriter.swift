import NetCore

/// Builds a classic libpcap file (magic `a1b2c3d4`, version 2.4, LINKTYPE_ETHERNET) in memory.
///
/// Linux: what `tcpdump -w` writes for an Ethernet device; `tcpdump -r FILE` reads it back.
public struct PcapWriter: Sendable {
    /// The file bytes so far (global header included).
    public private(set) var bytes: [UInt8]
    /// Frames written.
    public private(set) var count = 0

    /// LINKTYPE_ETHERNET.
    public static let linkTypeEthernet: UInt32 = 1

    public init(snapLength: UInt32 = 262_144) {
        bytes = []
        appendLE32(0xA1B2_C3D4)
        appendLE16(2)
        appendLE16(4)
        appendLE32(0)  // thiszone
        appendLE32(0)  // sigfigs
        appendLE32(snapLength)
        appendLE32(Self.linkTypeEthernet)
    }

    /// Appends one frame captured at `time` (simulated clock; microsecond resolution).
    public mutating func append(_ frame: [UInt8], at time: Instant) {
        let micros = max(0, time.nanoseconds / 1000)
        appendLE32(UInt32(truncatingIfNeeded: micros / 1_000_000))
        appendLE32(UInt32(truncatingIfNeeded: micros % 1_000_000))
        appendLE32(UInt32(frame.count))
        appendLE32(UInt32(frame.count))
        bytes.append(contentsOf: frame)
        count += 1
    }

    private mutating func appendLE16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private mutating func appendLE32(_ value: UInt32) {
        appendLE16(UInt16(truncatingIfNeeded: value))
        appendLE16(UInt16(truncatingIfNeeded: value >> 16))
    }
}
