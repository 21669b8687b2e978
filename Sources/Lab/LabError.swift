import Glibc

/// What can go wrong programming or reading the kernel, in words that name the object and the call.
public enum LabError: Error, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(call: String, errno: Int32)
    /// A netlink request failed: the operation, the lab namespace, and libnl's error.
    case netlink(operation: String, netns: String, message: String)
    /// Not root / no CAP_NET_ADMIN and CAP_SYS_ADMIN.
    case notPrivileged(String)
    /// A helper program (`iptables-nft-restore`, `bird`) failed.
    case command(String, status: Int32, output: String)
    /// The lab's bookkeeping (ledger, run folder) is missing or unreadable.
    case ledger(String)
    /// The topology cannot be programmed on this kernel (a device kind it lacks) or the lab name is bad.
    case unsupported(String)
    /// Waited too long for something (BGP routes, a listener).
    case timeout(String)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        case .netlink(let operation, let netns, let message): "\(netns): \(operation): \(message)"
        case .notPrivileged(let message): message
        case .command(let command, let status, let output):
            "\(command) exited with status \(status)" + (output.isEmpty ? "" : ":\n\(output)")
        case .ledger(let message): message
        case .unsupported(let message): message
        case .timeout(let message): message
        }
    }
}
