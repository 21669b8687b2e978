import Glibc

/// The record of everything a lab created, kept at `/run/kdp/labs/LAB/ledger` so `kdp lab down` can undo it
/// after a crash or a kill: each object is recorded *before* it is created, one line per object, appended
/// with a single `write(2)` (so a killed process leaves whole lines behind).
///
/// Lines are tab-separated: `topology PATH DIGEST`, `netns NAME`, `link NETNS NAME`, `process PID WHAT`,
/// `state up`.
public struct Ledger: Sendable {
    public static let root = "/run/kdp/labs"

    public var lab: String
    public var topology: String?
    public var digest: String?
    public var namespaces: [String] = []
    public var links: [(netns: String, name: String)] = []
    public var processes: [(pid: Int32, what: String)] = []
    /// `up` finished (namespaces wired, rules loaded, BGP converged).
    public var isComplete = false

    public init(lab: String) { self.lab = lab }

    public static func directory(_ lab: String) -> String { "\(root)/\(lab)" }
    static func path(_ lab: String) -> String { "\(directory(lab))/ledger" }

    /// Lab names: lower-case letters, digits and `-`, starting with a letter, at most 24 characters.
    public static func validate(name: String) throws(LabError) {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard !name.isEmpty, name.utf8.count <= 24, allowed, let first = name.utf8.first, first >= 97 && first <= 122
        else {
            throw .unsupported(
                "--name: lab name \"\(name)\" must be 1-24 characters of a-z, 0-9 and '-', starting with a letter")
        }
    }

    /// The labs with a ledger, by name.
    public static func labs() -> [String] {
        directoryEntries(root).filter { access("\(root)/\($0)/ledger", F_OK) == 0 }
    }

    /// Reads a lab's ledger; nil when the lab has none.
    public static func read(_ lab: String) throws(LabError) -> Ledger? {
        guard let text = readFile(path(lab)) else { return nil }
        var ledger = Ledger(lab: lab)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (fields.first, fields.count) {
            case ("topology", 3):
                ledger.topology = fields[1]
                ledger.digest = fields[2]
            case ("netns", 2): ledger.namespaces.append(fields[1])
            case ("link", 3): ledger.links.append((fields[1], fields[2]))
            case ("process", 3):
                guard let pid = Int32(fields[1]) else { throw .ledger("\(path(lab)): bad process line \"\(line)\"") }
                ledger.processes.append((pid, fields[2]))
            case ("state", 2): ledger.isComplete = fields[1] == "up"
            default: throw .ledger("\(path(lab)): unreadable line \"\(line)\"")
            }
        }
        return ledger
    }

    /// Creates the lab's folder and an empty ledger; fails if one exists.
    static func create(_ lab: String) throws(LabError) -> LedgerWriter {
        for directory in ["/run/kdp", root, directory(lab)] {
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw .system(call: "mkdir \(directory)", errno: errno)
            }
        }
        let fd = open(path(lab), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(call: "create \(path(lab))", errno: errno) }
        return LedgerWriter(fd: fd, path: path(lab))
    }

    /// Removes the lab's folder (ledger, BIRD files) once everything in it is undone.
    static func remove(_ lab: String) {
        let directory = directory(lab)
        for file in directoryEntries(directory) { unlink("\(directory)/\(file)") }
        rmdir(directory)
    }
}

/// Appends ledger lines as objects are about to be created.
final class LedgerWriter {
    private let fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    func record(_ fields: String...) throws(LabError) {
        let bytes = Array((fields.joined(separator: "\t") + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw .system(call: "write \(path)", errno: errno) }
    }
}

/// The whole file, or nil when it cannot be read.
func readFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes a whole file (created or truncated).
func writeFile(_ path: String, _ text: String) throws(LabError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .system(call: "create \(path)", errno: errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else { throw .system(call: "write \(path)", errno: errno) }
}
