/// A hash that is the same in every process (Swift's `Hasher` is seeded per process).
///
/// Used only to derive stable identifiers (MAC addresses, veth names) from names; never for security.
/// kube-proxy's chain names use SHA-256 from swift-crypto instead.
public enum StableHash {
    /// 64-bit FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
