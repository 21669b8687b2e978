import Glibc

/// Runs helper programs (`iptables-nft-restore` from a thread inside a lab namespace, `ip netns exec NS bird`)
/// with `posix_spawnp` and `waitpid`.
enum Subprocess {
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs `arguments` (the first is looked up in PATH) with `input` on stdin (through an unlinked temporary
    /// file, so a large rule set cannot dead-lock against the child's output) and stdout+stderr collected.
    /// A daemon keeps its output open after the command returns: give it a `logFile` to write to instead.
    static func run(_ arguments: [String], input: String? = nil, logFile: String? = nil) throws(LabError) -> Result {
        try start(arguments, input: input, logFile: logFile).finish()
    }

    /// A started child: its pid and where its output goes.
    struct Running: Sendable {
        var arguments: [String]
        /// The lab namespace it was started in (by a thread inside it), for messages.
        var netns: String?
        var pid: pid_t
        var outputFD: Int32?
        var logFile: String?

        /// Reads the output to its end and reaps the child.
        func finish() -> Result {
            var output: [UInt8] = []
            if let fd = outputFD {
                var buffer = [UInt8](repeating: 0, count: 16384)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count > 0 {
                        output += buffer[..<count]
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                close(fd)
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            let text = logFile.map { readFile($0) ?? "" } ?? String(decoding: output, as: UTF8.self)
            return Result(status: exitStatus, output: text)
        }
    }

    /// Spawns `arguments` without waiting (see `run`). The child starts in the calling thread's network
    /// namespace; `netns` names it when that is a lab namespace.
    static func start(
        _ arguments: [String], input: String? = nil, logFile: String? = nil, netns: String? = nil
    ) throws(LabError) -> Running {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var closeAfterSpawn: [Int32] = []
        defer { for fd in closeAfterSpawn { close(fd) } }
        var inputFD: Int32 = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if let input {
            var template = Array("/tmp/kdp-stdin-XXXXXX".utf8CString)
            inputFD = mkstemp(&template)
            guard inputFD >= 0 else { throw .system(call: "mkstemp", errno: errno) }
            _ = fcntl(inputFD, F_SETFD, FD_CLOEXEC)
            unlink(String(cString: template))
            let bytes = Array(input.utf8)
            guard write(inputFD, bytes, bytes.count) == bytes.count else {
                throw .system(call: "write stdin", errno: errno)
            }
            lseek(inputFD, 0, SEEK_SET)
        }
        closeAfterSpawn.append(inputFD)
        posix_spawn_file_actions_adddup2(&actions, inputFD, 0)
        var pipeFDs: [Int32] = [-1, -1]
        if let logFile {
            let fd = open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .system(call: "create \(logFile)", errno: errno) }
            closeAfterSpawn.append(fd)
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        } else {
            guard pipe(&pipeFDs) == 0 else { throw .system(call: "pipe", errno: errno) }
            for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        if logFile == nil { close(pipeFDs[1]) }
        guard spawned == 0 else {
            if logFile == nil { close(pipeFDs[0]) }
            throw .command(arguments.joined(separator: " "), status: -1, output: String(cString: strerror(spawned)))
        }
        return Running(
            arguments: arguments, netns: netns, pid: pid, outputFD: logFile == nil ? pipeFDs[0] : nil, logFile: logFile)
    }

    /// Runs and throws unless the status is 0; returns the output.
    @discardableResult
    static func check(_ arguments: [String], input: String? = nil, logFile: String? = nil) throws(LabError) -> String {
        let result = try run(arguments, input: input, logFile: logFile)
        guard result.status == 0 else {
            throw .command(arguments.joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }

    /// Whether `program` is on PATH.
    static func available(_ program: String) -> Bool {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
