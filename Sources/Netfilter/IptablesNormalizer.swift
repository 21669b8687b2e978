/// kube-proxy's test normalisation of iptables-restore text, so that generated output can be compared with
/// expected files whatever order Go's map iteration produced.
///
/// kube-proxy: `sortIPTablesRules` in pkg/proxy/iptables/proxier_test.go over the dump model of
/// pkg/util/iptables/testing/parse.go (conformance README §4).
public enum IptablesNormalizer {
    /// Sorts `text` as kube-proxy's tests do:
    /// 1. lines are trimmed, blank and `#` lines dropped; each table is `*name`, `:CHAIN` lines, then `-A`, `-X`
    ///    and `COMMIT` lines (rules keep their original text);
    /// 2. tables sort by name;
    /// 3. chains sort `KUBE-NODEPORTS`, `KUBE-SERVICES`, other `KUBE-*` by name, then the rest by name;
    /// 4. the rules of filter and nat `KUBE-NODEPORTS` and filter `KUBE-SERVICES` stable-sort by the service name
    ///    (the `--comment` up to its first space or `:`; a comparison with a rule without comment is false);
    /// 5. nat `KUBE-SERVICES` likewise, with the rule whose comment contains `must be the last rule` last;
    /// 6. each table prints `*name`, `:CHAIN POLICY [p:b]` lines, every chain's rules, `-X` lines, `COMMIT`.
    public static func sortLikeKubeProxyTests(_ text: String) throws(IptablesParseError) -> String {
        var tables = try parse(text)
        tables.sort { $0.name < $1.name }
        for index in tables.indices {
            tables[index].chains.sort(by: chainOrder)
            for chainIndex in tables[index].chains.indices {
                let table = tables[index].name
                let chain = tables[index].chains[chainIndex].name
                guard let less = ruleOrder(table: table, chain: chain) else { continue }
                GoStableSort.sort(&tables[index].chains[chainIndex].rules, by: less)
            }
        }
        var output = ""
        for table in tables {
            output += "*\(table.name)\n"
            for chain in table.chains { output += "\(chain.declaration)\n" }
            for chain in table.chains { output += chain.rules.map { "\($0.text)\n" }.joined() }
            for chain in table.chains where chain.deleted { output += "-X \(chain.name)\n" }
            output += "COMMIT\n"
        }
        return output
    }

    private struct RawRule {
        var text: String
        var comment: String?
    }

    private struct RawChain {
        var name: String
        var declaration: String
        var rules: [RawRule] = []
        var deleted = false
    }

    private struct RawTable {
        var name: String
        var chains: [RawChain] = []
    }

    private static func chainOrder(_ lhs: RawChain, _ rhs: RawChain) -> Bool {
        func rank(_ name: String) -> Int {
            switch name {
            case "KUBE-NODEPORTS": 0
            case "KUBE-SERVICES": 1
            default: name.hasPrefix("KUBE-") ? 2 : 3
            }
        }
        let (left, right) = (rank(lhs.name), rank(rhs.name))
        return left != right ? left < right : Array(lhs.name.utf8).lexicographicallyPrecedes(Array(rhs.name.utf8))
    }

    private static func ruleOrder(table: String, chain: String) -> ((RawRule, RawRule) -> Bool)? {
        switch (table, chain) {
        case ("filter", "KUBE-NODEPORTS"), ("nat", "KUBE-NODEPORTS"), ("filter", "KUBE-SERVICES"):
            return byServiceName
        case ("nat", "KUBE-SERVICES"):
            return { lhs, rhs in
                if lhs.comment?.contains("must be the last rule") == true { return false }
                if rhs.comment?.contains("must be the last rule") == true { return true }
                return byServiceName(lhs, rhs)
            }
        default:
            return nil
        }
    }

    private static func byServiceName(_ lhs: RawRule, _ rhs: RawRule) -> Bool {
        guard let left = lhs.comment, let right = rhs.comment else { return false }
        func serviceName(_ comment: String) -> [UInt8] {
            Array(comment.utf8.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ":") })
        }
        return serviceName(left).lexicographicallyPrecedes(serviceName(right))
    }

    private static func parse(_ text: String) throws(IptablesParseError) -> [RawTable] {
        var tables: [RawTable] = []
        var open = false
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !open {
                guard line.hasPrefix("*") else { throw .ruleOutsideTable(line: number, column: 1, text: String(line)) }
                tables.append(RawTable(name: String(line.dropFirst())))
                open = true
                continue
            }
            let last = tables.count - 1
            if line == "COMMIT" {
                open = false
            } else if line.hasPrefix(":") {
                let name = String(line.dropFirst().prefix { $0 != " " })
                tables[last].chains.append(RawChain(name: name, declaration: String(line)))
            } else if line.hasPrefix("-A ") || line.hasPrefix("-X ") {
                let name = String(line.dropFirst(3).prefix { $0 != " " })
                guard let index = tables[last].chains.firstIndex(where: { $0.name == name }) else {
                    throw .unknownChain(line: number, column: 4, chain: name)
                }
                if line.hasPrefix("-X ") {
                    tables[last].chains[index].deleted = true
                } else {
                    let tokens = try IptablesTokenizer.tokenize(line, lineNumber: number)
                    let commentIndex = tokens.firstIndex { !$0.quoted && $0.text == "--comment" }
                    let comment = commentIndex.flatMap { $0 + 1 < tokens.count ? tokens[$0 + 1].text : nil }
                    tables[last].chains[index].rules.append(RawRule(text: String(line), comment: comment))
                }
            } else {
                throw .unknownCommand(line: number, column: 1, command: String(line.prefix { $0 != " " }))
            }
        }
        if open, let table = tables.last { throw .missingCommit(line: number, column: 1, table: table.name) }
        return tables
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}
