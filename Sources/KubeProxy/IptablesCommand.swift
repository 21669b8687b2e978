import Netfilter

/// Why an `iptables` command was refused.
public struct IptablesCommandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The command as given.
    public var command: String
    /// What iptables would say.
    public var message: String

    /// Creates an error.
    public init(command: String, message: String) {
        self.command = command
        self.message = message
    }

    /// `iptables COMMAND: message`.
    public var description: String { "iptables \(command): \(message)" }
}

/// One `iptables` command run on a node's tables by someone other than kube-proxy — an administrator, another
/// agent, or a test poking the live tables between two syncs.
///
/// iptables: `iptables [-t TABLE] -A|-I|-D CHAIN RULE…`, `-N CHAIN`, `-F [CHAIN]`, `-X [CHAIN]`, each applied
/// at once; a leading `iptables` word is allowed. `-I CHAIN [N]` inserts at N (default 1); `-D` removes the first
/// identical rule; `-X` refuses a chain that holds rules or is still referenced, and `-X` alone deletes every
/// empty, unreferenced user chain.
public enum IptablesCommand {
    /// The tables after running `command`.
    /// - Parameters:
    ///   - command: the command line without shell quoting beyond the rule's own double quotes.
    ///   - ruleset: the tables before.
    public static func run(_ command: String, on ruleset: Ruleset) throws(IptablesCommandError) -> Ruleset {
        var words = Words(command)
        if words.peek() == "iptables" { words.next() }
        var tableName = NetfilterTable.Name.filter
        if words.peek() == "-t" || words.peek() == "--table" {
            words.next()
            let name = words.next() ?? ""
            guard let parsed = NetfilterTable.Name(rawValue: name) else {
                throw IptablesCommandError(command: command, message: "can't initialize iptables table `\(name)'")
            }
            tableName = parsed
        }
        let verb = words.next() ?? ""
        let chain = words.next()
        var state = ruleset.restoring(Ruleset(tables: [NetfilterTable(name: tableName)]), noflush: true)
        guard let tableIndex = state.tables.firstIndex(where: { $0.name == tableName }) else { return ruleset }
        var table = state.tables[tableIndex]
        do {
            try edit(&table, verb: verb, chain: chain, rest: &words)
        } catch let message as Message {
            throw IptablesCommandError(command: command, message: message.text)
        } catch {
            throw IptablesCommandError(command: command, message: "\(error)")
        }
        state.tables[tableIndex] = table
        return state
    }

    struct Message: Error {
        var text: String
    }

    static func edit(_ table: inout NetfilterTable, verb: String, chain: String?, rest: inout Words) throws {
        switch verb {
        case "-A", "--append", "-I", "--insert", "-D", "--delete":
            guard let chain, let index = table.index(ofChain: chain) else {
                throw Message(text: "No chain/target/match by that name (\(chain ?? "no chain given"))")
            }
            var position = verb == "-A" || verb == "--append" ? table.chains[index].rules.count : 0
            if verb == "-I" || verb == "--insert", let number = rest.peek().flatMap({ Int($0) }) {
                rest.next()
                guard number >= 1, number <= table.chains[index].rules.count + 1 else {
                    throw Message(text: "Index of insertion too big")
                }
                position = number - 1
            }
            let userChains = Set(table.chains.map(\.name).filter { !table.isBuiltin($0) })
            let rule = try Rule(parsing: String(rest.remainder), chains: userChains)
            if let target = rule.jumpChain, !userChains.contains(target),
                !IptablesRestore.optionlessExtensions.contains(target)
            {
                throw Message(text: "Couldn't load target `\(target)'")
            }
            if verb == "-D" || verb == "--delete" {
                guard let found = table.chains[index].rules.firstIndex(of: rule) else {
                    throw Message(text: "Bad rule (does a matching rule exist in that chain?)")
                }
                table.chains[index].rules.remove(at: found)
            } else {
                table.chains[index].rules.insert(rule, at: position)
            }
        case "-N", "--new-chain":
            guard let chain, !chain.isEmpty else { throw Message(text: "-N needs a chain name") }
            guard table.index(ofChain: chain) == nil else { throw Message(text: "Chain already exists") }
            table.chains.append(Chain(name: chain))
        case "-F", "--flush":
            if let chain, table.index(ofChain: chain) == nil {
                throw Message(text: "No chain/target/match by that name")
            }
            for index in table.chains.indices where chain == nil || table.chains[index].name == chain {
                table.chains[index].rules.removeAll()
            }
        case "-X", "--delete-chain":
            try deleteChains(&table, chain)
        default:
            throw Message(text: "unknown command `\(verb)'")
        }
    }

    static func deleteChains(_ table: inout NetfilterTable, _ chain: String?) throws {
        let referenced = Set(table.chains.flatMap { $0.rules.compactMap(\.jumpChain) })
        guard let chain else {
            let builtins = Set(table.name.builtinChains)
            table.chains.removeAll { !builtins.contains($0.name) && $0.rules.isEmpty && !referenced.contains($0.name) }
            return
        }
        guard let index = table.index(ofChain: chain), !table.isBuiltin(chain) else {
            throw Message(text: "No chain/target/match by that name")
        }
        if !table.chains[index].rules.isEmpty { throw Message(text: "Directory not empty") }
        if referenced.contains(chain) { throw Message(text: "Too many links") }
        table.chains.remove(at: index)
    }

    /// The leading words of a command line; the rest stays text for the rule parser.
    struct Words {
        private(set) var remainder: Substring

        init(_ text: String) { remainder = Substring(text) }

        func peek() -> String? {
            let trimmed = remainder.drop { $0 == " " || $0 == "\t" }
            let word = trimmed.prefix { $0 != " " && $0 != "\t" }
            return word.isEmpty ? nil : String(word)
        }

        @discardableResult
        mutating func next() -> String? {
            remainder = remainder.drop { $0 == " " || $0 == "\t" }
            let word = remainder.prefix { $0 != " " && $0 != "\t" }
            remainder = remainder.dropFirst(word.count)
            return word.isEmpty ? nil : String(word)
        }
    }
}
