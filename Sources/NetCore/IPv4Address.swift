/// An IPv4 address.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address in host byte order (`10.0.0.1` is `0x0A00_0001`).
    public let rawValue: UInt32

    /// Creates an address from its 32-bit value in host byte order.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Creates an address from four octets.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad notation strictly (four decimal octets, no leading `+`, no empty parts).
    public init?(_ text: some StringProtocol) {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        for scalar in text.utf8 {
            if scalar == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else if scalar >= UInt8(ascii: "0"), scalar <= UInt8(ascii: "9") {
                current = current * 10 + UInt32(scalar - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        rawValue = value << 8 | current
    }

    /// The four octets in wire order.
    public var bytes: [UInt8] {
        [
            UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
            UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue),
        ]
    }

    /// `0.0.0.0`.
    public static let any = IPv4Address(rawValue: 0)
    /// `255.255.255.255`.
    public static let limitedBroadcast = IPv4Address(rawValue: 0xFFFF_FFFF)

    /// True for 127.0.0.0/8.
    public var isLoopback: Bool { rawValue >> 24 == 127 }
    /// True for 224.0.0.0/4.
    public var isMulticast: Bool { rawValue >> 28 == 0xE }

    /// The address `offset` positions after this one (wrapping).
    public func advanced(by offset: Int) -> IPv4Address {
        IPv4Address(rawValue: UInt32(truncatingIfNeeded: Int64(rawValue) + Int64(offset)))
    }

    /// Dotted quad, written digit by digit (this runs for every rule of a large ruleset).
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var length = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int((rawValue >> UInt32(shift)) & 0xFF)
                if shift != 24 {
                    buffer[length] = UInt8(ascii: ".")
                    length += 1
                }
                if octet >= 100 {
                    buffer[length] = UInt8(48 + octet / 100)
                    length += 1
                }
                if octet >= 10 {
                    buffer[length] = UInt8(48 + octet / 10 % 10)
                    length += 1
                }
                buffer[length] = UInt8(48 + octet % 10)
                length += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }
}
