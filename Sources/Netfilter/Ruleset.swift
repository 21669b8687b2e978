/// A whole iptables ruleset: table blocks in the order they appear.
///
/// iptables: the text of `iptables-save`, or an `iptables-restore` input such as kube-proxy writes.
public struct Ruleset: Hashable, Sendable {
    /// The table blocks in order.
    public var tables: [NetfilterTable]

    /// Creates a ruleset.
    public init(tables: [NetfilterTable] = []) {
        self.tables = tables
    }

    /// Parses `iptables-save` output or `iptables-restore` input.
    ///
    /// iptables: the line grammar `iptables-restore` accepts (see ``IptablesParser``).
    public init(parsing text: String) throws(IptablesParseError) {
        self = try IptablesParser.parse(text)
    }

    /// The first block for `name`, if any.
    public subscript(table name: NetfilterTable.Name) -> NetfilterTable? {
        tables.first { $0.name == name }
    }

    /// The chain `chain` of table `table`, if declared.
    public func chain(_ chain: String, in table: NetfilterTable.Name) -> Chain? {
        self[table: table]?[chain: chain]
    }
}
