import NetCore

/// An address range and optional port range, written `10.0.0.1-10.0.0.5:80-90`, `10.180.0.1:80` or `:80`.
public struct NATRange: Hashable, Sendable, CustomStringConvertible {
    /// The first address; nil keeps the address (`:80`).
    public var minAddress: IPv4Address?
    /// The last address; nil for a single address.
    public var maxAddress: IPv4Address?
    /// The port range; nil keeps the port.
    public var ports: PortRange?

    /// A single address with an optional port range.
    public init(address: IPv4Address?, maxAddress: IPv4Address? = nil, ports: PortRange? = nil) {
        minAddress = address
        self.maxAddress = maxAddress
        self.ports = ports
    }

    /// Parses `[A[-B]][:P[-Q]]`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let addresses = parts[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if parts[0].isEmpty {
            minAddress = nil
            maxAddress = nil
        } else {
            guard let first = IPv4Address(addresses[0]) else { return nil }
            minAddress = first
            if addresses.count == 2 {
                guard let last = IPv4Address(addresses[1]) else { return nil }
                maxAddress = last
            }
        }
        if parts.count == 2 {
            guard let range = PortRange(String(parts[1]), separator: "-") else { return nil }
            ports = range
        }
        guard minAddress != nil || ports != nil else { return nil }
    }

    /// `A[-B][:P[-Q]]`.
    public var description: String {
        var text = minAddress?.description ?? ""
        if let maxAddress { text += "-\(maxAddress)" }
        if let ports { text += ":" + ports.text(separator: "-") }
        return text
    }
}
