import Glibc

/// Writes under /proc/sys. Network sysctls resolve against the namespace of the thread that opens the
/// file, so these run on the dedicated thread that entered the lab namespace.
enum Sysctl {
    /// Equivalent to: `ip netns exec NS sysctl -w KEY=VALUE` (KEY with dots, e.g. `net.ipv4.ip_forward`).
    static func write(_ key: String, _ value: String, netns: String) throws(LabError) {
        let path = "/proc/sys/" + String(key.map { $0 == "." ? "/" : $0 })
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "\(netns): sysctl \(key)", errno: errno) }
        defer { close(fd) }
        let bytes = Array((value + "\n").utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else {
            throw .system(call: "\(netns): sysctl -w \(key)=\(value)", errno: errno)
        }
    }
}
