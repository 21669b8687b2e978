import NetCore

/// How Kubernetes text addresses are read by kube-proxy: trimmed, octets parsed as decimal with leading
/// zeros allowed (`172.30.0.041` is 172.30.0.41, the "sloppy" parsing kept for compatibility).
public enum KubeAddress {
    /// An IPv4 address, or nil (IPv6 or not an address).
    public static func ipv4(_ text: String) -> IPv4Address? {
        // One pass over the bytes: surrounding whitespace skipped, four decimal octets (leading zeros allowed).
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var started = false
        var ended = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if started { ended = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !ended else { return nil }
                started = true
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255 else { return nil }
            case UInt8(ascii: "."):
                guard !ended, digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            default:
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return IPv4Address(rawValue: value << 8 | octet)
    }

    /// An IPv4 CIDR (`203.0.113.000/025` is 203.0.113.0/25), or nil.
    public static func ipv4Prefix(_ text: String) -> IPv4Prefix? {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = ipv4(String(parts[0])), parts[1].allSatisfy(\.isASCIIDigit),
            let length = Int(parts[1]), (0...32).contains(length)
        else { return nil }
        return IPv4Prefix(address: address, length: length)
    }

    /// True when the text looks like an IPv6 address or prefix (the other family: ignored, not an error).
    public static func isIPv6(_ text: String) -> Bool { text.contains(":") }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
