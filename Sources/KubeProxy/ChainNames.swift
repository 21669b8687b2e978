import Crypto

/// kube-proxy's chain names: a prefix and the first 16 characters of base32(sha256(…)).
///
/// kube-proxy: `servicePortChainName` / `servicePortEndpointChainName` in pkg/proxy/iptables (the hash input
/// is the service port name, the lower-case protocol and, for endpoints, `ip:port`, concatenated).
public enum ChainNames {
    /// The 16-character hash of a service port: shared by KUBE-SVC, KUBE-SVL, KUBE-EXT and KUBE-FW.
    public static func servicePortHash(_ servicePortName: String, proto: String) -> String {
        hash16(servicePortName + proto)
    }

    /// `KUBE-SEP-` + hash16(servicePortName + protocol + endpoint).
    public static func endpointChain(_ servicePortName: String, proto: String, endpoint: String) -> String {
        "KUBE-SEP-" + hash16(servicePortName + proto + endpoint)
    }

    /// RFC 4648 base32 (A–Z2–7) of SHA-256, first 16 characters (10 bytes of digest → 16 symbols).
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func hash16(_ text: String) -> String {
        var text = text
        let digest = text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        // 10 digest bytes are exactly 16 base32 symbols: read them as a 80-bit number, 5 bits at a time.
        return digest.withUnsafeBytes { bytes in
            var high: UInt64 = 0
            for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
            let low = UInt64(bytes[8]) << 8 | UInt64(bytes[9])
            return String(unsafeUninitializedCapacity: 16) { output in
                for symbol in 0..<16 {
                    let shift = 75 - symbol * 5  // bit position of this symbol in the 80-bit number
                    let value: UInt64 =
                        shift >= 16
                        ? (high >> UInt64(shift - 16)) & 0x1F
                        : ((high << UInt64(16 - shift)) | (low >> UInt64(shift))) & 0x1F
                    output[symbol] = Self.alphabet[Int(value)]
                }
                return 16
            }
        }
    }
}
