import Foundation

/// Runs helper programs (`ip netns exec NS iptables-nft-restore`, `bird`, `birdc`) and collects their output.
enum Subprocess {
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs `arguments` (the first is looked up in PATH), feeding `input` on stdin; stdout and stderr together.
    static func run(_ arguments: [String], input: String? = nil) throws(LabError) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do { try process.run() } catch {
            throw .command(arguments.joined(separator: " "), status: -1, output: "\(error)")
        }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs and throws unless the status is 0.
    @discardableResult
    static func check(_ arguments: [String], input: String? = nil) throws(LabError) -> String {
        let result = try run(arguments, input: input)
        guard result.status == 0 else {
            throw .command(arguments.joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }

    /// Whether `program` is on PATH.
    static func available(_ program: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }
}
