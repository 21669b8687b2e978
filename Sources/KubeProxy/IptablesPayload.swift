/// The iptables-restore input kube-proxy writes for one sync: per table, the chain declarations and the
/// rules, as text lines in kube-proxy's own argument order (`-m comment --comment … -m tcp -p tcp -d IP
/// --dport N -j TARGET`, `--or-mark`, unsuffixed hosts) and in the order its sync writes them (rules of
/// different chains interleave, as in kube-proxy's line buffers; `iptables-restore` appends each to its chain).
/// The text is the contract, so it is built as text; the Netfilter module parses it back into typed rules.
public struct IptablesPayload: Sendable {
    /// `:CHAIN - [0:0]` declarations, by table, in declaration order.
    public var filterChains: [String] = []
    public var natChains: [String] = []
    /// `-A CHAIN …` lines as UTF-8, each ending in a newline, by table.
    public var filterBytes: [UInt8] = []
    /// The nat rule text in pieces, in order (a large sync is written in parallel pieces).
    public var natSegments: [[UInt8]] = []
    /// The nat rule text joined.
    public var natBytes: [UInt8] { Array(natSegments.joined()) }
    /// How many rule lines each table's text holds.
    public var filterRuleCount = 0
    public var natRuleCount = 0
    /// Chains deleted by this sync (`-X`), by table.
    public var filterDeleted: [String] = []
    public var natDeleted: [String] = []

    public init() {}

    /// The filter rule lines (without newlines).
    public var filterRules: [String] { Self.lines(filterBytes) }
    /// The nat rule lines (without newlines).
    public var natRules: [String] { Self.lines(natBytes) }

    static func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The restore text: `*filter` then `*nat`, each with declarations, rules, deletions and `COMMIT`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The restore text as UTF-8.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        let natSize = natSegments.reduce(0) { $0 + $1.count }
        out.reserveCapacity(filterBytes.count + natSize + (filterChains.count + natChains.count) * 40 + 64)
        write { out.append(contentsOf: $0) }
        return out
    }

    /// Hands the restore text to `sink` piece by piece (headers, declarations, the rule text as built), so that
    /// a large payload reaches a file or pipe without first being joined into one buffer.
    public func write(_ sink: (UnsafeRawBufferPointer) -> Void) {
        for (table, chains, rules, deleted) in [
            ("filter", filterChains, [filterBytes], filterDeleted), ("nat", natChains, natSegments, natDeleted),
        ] {
            var out: [UInt8] = []
            out.append(UInt8(ascii: "*"))
            out.append(contentsOf: table.utf8)
            out.append(UInt8(ascii: "\n"))
            for chain in chains {
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: chain.utf8)
                out.append(contentsOf: " - [0:0]\n".utf8)
            }
            out.withUnsafeBytes(sink)
            for segment in rules { segment.withUnsafeBytes(sink) }
            out.removeAll(keepingCapacity: true)
            for chain in deleted {
                out.append(contentsOf: "-X ".utf8)
                out.append(contentsOf: chain.utf8)
                out.append(UInt8(ascii: "\n"))
            }
            out.append(contentsOf: "COMMIT\n".utf8)
            out.withUnsafeBytes(sink)
        }
    }
}

extension IptablesPayload {
    /// Adds stale chains to the nat table: each declared (which flushes it) and then deleted with `-X`.
    ///
    /// kube-proxy: the end of `syncProxyRules` — every chain `iptables-save -t nat` lists that looks like a
    /// service chain (`isServiceChainName`) and is not active gets `:CHAIN - [0:0]` and `-X CHAIN`.
    public mutating func deleteNATChains(_ chains: [String]) {
        guard !chains.isEmpty else { return }
        let declared = Set(natChains)
        natChains += chains.filter { !declared.contains($0) }
        natDeleted = Self.sortedLikeKubeProxyTests(Array(Set(natDeleted + chains)))
    }

    /// Chains in the order kube-proxy's tests sort them to: KUBE-NODEPORTS, KUBE-SERVICES, the other KUBE-*
    /// chains in byte order, then the rest in byte order.
    static func sortedLikeKubeProxyTests(_ chains: [String]) -> [String] {
        func rank(_ chain: String) -> Int {
            if chain == IptablesCompiler.kubeNodePorts { return 0 }
            if chain == IptablesCompiler.kubeServices { return 1 }
            return chain.hasPrefix("KUBE-") ? 2 : 3
        }
        return chains.sorted { lhs, rhs in
            let (left, right) = (rank(lhs), rank(rhs))
            return left != right ? left < right : lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }
}

/// Builds one rule line from arguments (quoting is the caller's: kube-proxy writes comments pre-quoted), as
/// UTF-8 bytes: a large sync writes hundreds of thousands of lines, and byte appends are what keeps that fast.
struct RuleLine {
    private(set) var bytes: [UInt8]

    init(_ chain: String) {
        bytes = []
        bytes.reserveCapacity(200)
        bytes.append(contentsOf: "-A ".utf8)
        bytes.append(contentsOf: chain.utf8)
    }

    mutating func add(_ arguments: String...) {
        for argument in arguments {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: argument.utf8)
        }
    }

    /// `-m comment --comment "<text>"` (quoted, as kube-proxy formats with `"%s …"`).
    mutating func comment(_ value: String) {
        bytes.append(contentsOf: " -m comment --comment \"".utf8)
        bytes.append(contentsOf: value.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `-m comment --comment "<a> -> <b>"`, without building the joined string first.
    mutating func comment(_ first: String, arrow second: String) {
        bytes.append(contentsOf: " -m comment --comment \"".utf8)
        bytes.append(contentsOf: first.utf8)
        bytes.append(contentsOf: " -> ".utf8)
        bytes.append(contentsOf: second.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `-m comment --comment <name>` unquoted, as kube-proxy writes the bare service port name.
    mutating func bareComment(_ value: String) {
        bytes.append(contentsOf: " -m comment --comment ".utf8)
        bytes.append(contentsOf: value.utf8)
    }

    /// The line as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
