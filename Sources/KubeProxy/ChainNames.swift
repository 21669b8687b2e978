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
    static func hash16(_ text: String) -> String {
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(16)
        var buffer: UInt64 = 0
        var bits = 0
        for byte in digest.prefix(10) {
            buffer = buffer << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt64(bits)) & 0x1F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
