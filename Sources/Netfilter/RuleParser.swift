/// Turns the words of one rule into a ``Rule`` and its ``RuleLayout``.
///
/// iptables: `do_command4` — header options (`-s -d -i -o -p -f`), `-m` loading a match whose options may
/// follow anywhere later, a protocol match loaded implicitly by `-p tcp --dport 80`, and `-j`/`-g`.
struct RuleParser {
    private enum Entry {
        case header(Match, Token)
        case module(any MatchExtension, Token)
    }

    private var reader: TokenReader
    private let chains: Set<String>
    private var entries: [Entry] = []
    private var elements: [RuleLayout.Element] = []
    private var target: Target?
    private var targetExtension: (any TargetExtension)?
    private var targetToken: Token?
    /// True when the most recent unmodelled extension is the target (it then takes unknown options).
    private var unknownTargetIsNewest = false

    init(reader: TokenReader, chains: Set<String>) {
        self.reader = reader
        self.chains = chains
    }

    private var line: Int { reader.line }

    mutating func parse() throws(IptablesParseError) -> Rule {
        while let token = reader.next() {
            guard token.isNegation else {
                try handle(token, negated: false)
                continue
            }
            guard let option = reader.next() else {
                throw .missingValue(line: line, column: token.column, option: "!")
            }
            try handle(option, negated: true)
        }
        var matches: [Match] = []
        for entry in entries {
            switch entry {
            case .header(let match, _):
                matches.append(match)
            case .module(let module, let token):
                try module.validate(at: token, line: line)
                matches.append(module.match)
            }
        }
        if let targetExtension, let targetToken {
            try targetExtension.validate(at: targetToken, line: line)
            target = targetExtension.target
        }
        return Rule(matches: matches, target: target, layout: RuleLayout(elements: elements))
    }

    private mutating func handle(_ option: Token, negated: Bool) throws(IptablesParseError) {
        guard option.isOption else {
            throw .unexpectedArgument(line: line, column: option.column, argument: option.raw)
        }
        switch option.text {
        case "-s", "--source", "--src", "-d", "--destination", "--dst":
            let value = try reader.value(for: option)
            guard let prefix = AddressMatch.parsePrefix(value.text) else {
                throw .invalidAddress(line: line, column: value.column, value: value.text)
            }
            let address = AddressMatch(prefix, negated: negated)
            let spelling: RuleLayout.Spelling =
                prefix.length == 32 && value.text.contains("/") ? .withPrefixLength : .standard
            let isSource = ["-s", "--source", "--src"].contains(option.text)
            try appendHeader(isSource ? .source(address) : .destination(address), option, spelling)
        case "-p", "--protocol":
            let value = try reader.value(for: option)
            guard let proto = ProtocolMatch.parse(value.text) else { throw reader.invalid(value, for: option) }
            try appendHeader(.ipProtocol(ProtocolMatch(proto, negated: negated)), option, .standard)
        case "-i", "--in-interface", "-o", "--out-interface":
            let value = try reader.value(for: option)
            let interface = InterfaceMatch(value.text, negated: negated)
            let isIn = option.text == "-i" || option.text == "--in-interface"
            try appendHeader(isIn ? .inInterface(interface) : .outInterface(interface), option, .standard)
        case "-f", "--fragment":
            try appendHeader(.fragment(negated: negated), option, .standard)
        case "-m", "--match":
            try reject(negated, option)
            let name = try reader.value(for: option)
            let module = Self.makeModule(name.text)
            if module is OtherModule { unknownTargetIsNewest = false }
            elements.append(RuleLayout.Element(.module(entries.count)))
            entries.append(.module(module, option))
        case "-j", "--jump", "-g", "--goto":
            try reject(negated, option)
            guard targetToken == nil else {
                throw .duplicateOption(line: line, column: option.column, option: option.text)
            }
            let name = try reader.value(for: option)
            targetToken = option
            elements.append(RuleLayout.Element(.target))
            if option.text == "-g" || option.text == "--goto" {
                target = .goto(name.text)
            } else {
                (target, targetExtension) = Target.parsing(name.text, chains: chains, next: reader.peek())
                if targetExtension is OtherTarget { unknownTargetIsNewest = true }
            }
        default:
            try applyOption(option, negated: negated)
        }
    }

    private mutating func reject(_ negated: Bool, _ option: Token) throws(IptablesParseError) {
        if negated { throw .unexpectedNegation(line: line, column: option.column, option: option.text) }
    }

    private mutating func appendHeader(_ match: Match, _ option: Token, _ spelling: RuleLayout.Spelling)
        throws(IptablesParseError)
    {
        for case .header(let existing, _) in entries where existing.headerRank == match.headerRank {
            throw .duplicateOption(line: line, column: option.column, option: option.text)
        }
        elements.append(RuleLayout.Element(.match(entries.count), spelling: spelling))
        entries.append(.header(match, option))
    }

    /// Offers a `--option` to the target, then the loaded matches (newest first), then an implicitly loaded
    /// protocol match, then the newest unmodelled extension.
    private mutating func applyOption(_ option: Token, negated: Bool) throws(IptablesParseError) {
        if var ext = targetExtension, !(ext is OtherTarget), let key = ext.canonicalOption(option.text) {
            try applyToTarget(&ext, ParsedOption(token: option, key: key, negated: negated))
            return
        }
        for index in entries.indices.reversed() {
            guard case .module(let module, _) = entries[index], !(module is OtherModule),
                let key = module.canonicalOption(option.text)
            else { continue }
            try applyToMatch(at: index, ParsedOption(token: option, key: key, negated: negated))
            return
        }
        if let implicit = implicitProtocolModule(), let key = implicit.canonicalOption(option.text) {
            entries.append(.module(implicit, option))
            try applyToMatch(at: entries.count - 1, ParsedOption(token: option, key: key, negated: negated))
            return
        }
        let parsed = ParsedOption(token: option, key: option.text, negated: negated)
        if unknownTargetIsNewest, var ext = targetExtension {
            try applyToTarget(&ext, parsed)
            return
        }
        for index in entries.indices.reversed() {
            guard case .module(let module, _) = entries[index], module is OtherModule else { continue }
            try applyToMatch(at: index, parsed)
            return
        }
        if var ext = targetExtension, ext is OtherTarget {
            try applyToTarget(&ext, parsed)
            return
        }
        throw .unknownOption(line: line, column: option.column, option: option.text)
    }

    private mutating func applyToMatch(at index: Int, _ option: ParsedOption) throws(IptablesParseError) {
        guard case .module(var module, let token) = entries[index] else { return }
        let spelling = try module.apply(option, &reader)
        entries[index] = .module(module, token)
        let key = module.layoutKey(for: option)
        elements.append(RuleLayout.Element(.option(match: index, key: key), spelling: spelling))
    }

    private mutating func applyToTarget(_ ext: inout any TargetExtension, _ option: ParsedOption)
        throws(IptablesParseError)
    {
        let spelling = try ext.apply(option, &reader)
        targetExtension = ext
        elements.append(RuleLayout.Element(.targetOption(key: ext.layoutKey(for: option)), spelling: spelling))
    }

    /// `-p tcp|udp|sctp` loads its match when one of its options appears without `-m`.
    private func implicitProtocolModule() -> (any MatchExtension)? {
        for case .header(.ipProtocol(let proto), _) in entries where !proto.negated {
            switch proto.protocolNumber.rawValue {
            case 6: return PortModule(kind: .tcp)
            case 17: return PortModule(kind: .udp)
            case 132: return PortModule(kind: .sctp)
            default: return nil
            }
        }
        return nil
    }

    /// The modelled module for `-m name`, or a raw one.
    static func makeModule(_ name: String) -> any MatchExtension {
        switch name {
        case "comment": CommentModule()
        case "tcp": PortModule(kind: .tcp)
        case "udp": PortModule(kind: .udp)
        case "sctp": PortModule(kind: .sctp)
        case "multiport": MultiportModule()
        case "statistic": StatisticModule()
        case "recent": RecentModule()
        case "mark": MarkModule()
        case "conntrack": ConntrackModule()
        case "state": StateModule()
        case "addrtype": AddressTypeModule()
        case "physdev": PhysdevModule()
        case "nfacct": NfacctModule()
        case "set": SetModule()
        default: OtherModule(moduleName: name)
        }
    }
}
