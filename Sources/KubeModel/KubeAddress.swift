import NetCore

/// How Kubernetes text addresses are read by kube-proxy: trimmed, octets parsed as decimal with leading
/// zeros allowed (`172.30.0.041` is 172.30.0.41, the "sloppy" parsing kept for compatibility).
public enum KubeAddress {
    /// An IPv4 address, or nil (IPv6 or not an address).
    public static func ipv4(_ text: String) -> IPv4Address? {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 4, part.allSatisfy(\.isASCIIDigit), let octet = UInt32(part),
                octet <= 255
            else {
                return nil
            }
            value = value << 8 | octet
        }
        return IPv4Address(rawValue: value)
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
