import NetCore

/// The Internet checksum (RFC 1071): one's-complement sum of 16-bit words.
public enum Checksum {
    /// Adds `bytes` to a running 32-bit sum (odd trailing byte padded with zero).
    public static func accumulate(_ bytes: some Collection<UInt8>, into sum: UInt32 = 0) -> UInt32 {
        var sum = sum
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            let low = iterator.next() ?? 0
            sum &+= UInt32(high) << 8 | UInt32(low)
        }
        return sum
    }

    /// Folds a running sum into the final 16-bit one's-complement checksum.
    public static func finish(_ sum: UInt32) -> UInt16 {
        var sum = sum
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        return ~UInt16(truncatingIfNeeded: sum)
    }

    /// The checksum of `bytes` alone.
    public static func compute(_ bytes: some Collection<UInt8>) -> UInt16 { finish(accumulate(bytes)) }

    /// The running sum of the IPv4 pseudo-header TCP and UDP checksums cover.
    public static func pseudoHeader(
        source: IPv4Address, destination: IPv4Address, protocol proto: IPProtocol, length: Int
    ) -> UInt32 {
        var sum = (source.rawValue >> 16) &+ (source.rawValue & 0xFFFF)
        sum &+= (destination.rawValue >> 16) &+ (destination.rawValue & 0xFFFF)
        sum &+= UInt32(proto.rawValue) &+ UInt32(length)
        return sum
    }
}
