import Foundation

/// Loads a payload into a scratch network namespace with the real `iptables-restore --test` and reports
/// what the kernel says. Equivalent to:
/// `ip netns add kdp-check-N; ip netns exec kdp-check-N iptables-nft-restore --test < payload; ip netns del …`.
struct RestoreCheck {
    var backend: String

    func run(_ payload: String) throws {
        guard getuid() == 0 else {
            throw InputError(message: "--check needs root (CAP_NET_ADMIN) to create a scratch network namespace")
        }
        let tool = backend == "legacy" ? "iptables-legacy-restore" : "iptables-nft-restore"
        let name = "kdp-check-\(getpid())"
        try shell(["ip", "netns", "add", name])
        defer { _ = try? shell(["ip", "netns", "del", name]) }
        let (status, errors) = try shell(["ip", "netns", "exec", name, tool, "--noflush", "--test"], input: payload)
        guard status == 0 else { throw InputError(message: "\(tool) --test rejected the payload:\n\(errors)") }
        FileHandle.standardError.write(Data("check: \(tool) --test accepted the payload in a scratch netns\n".utf8))
    }

    @discardableResult
    func shell(_ arguments: [String], input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if input == nil, process.terminationStatus != 0 {
            throw InputError(message: "\(arguments.joined(separator: " ")) failed: \(message)")
        }
        return (process.terminationStatus, message)
    }
}
