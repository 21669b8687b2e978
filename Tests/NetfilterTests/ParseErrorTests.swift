import Netfilter
import Testing

@Suite("Parse errors name the line, the column and the offending token")
struct ParseErrorTests {
    static func error(in text: String) -> IptablesParseError? {
        do {
            _ = try Ruleset(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    static let header = "*nat\n:KUBE-SERVICES - [0:0]\n"

    @Test("a bad port points at the value")
    func invalidValue() {
        let error = Self.error(in: Self.header + "-A KUBE-SERVICES -m tcp -p tcp --dport eighty -j ACCEPT\nCOMMIT\n")
        #expect(error == .invalidValue(line: 3, column: 40, option: "--dport", value: "eighty"))
        #expect(error?.description == "line 3, column 40: invalid value \"eighty\" for \"--dport\"")
    }

    @Test("an option no loaded module takes is unknown")
    func unknownOption() {
        let error = Self.error(
            in: Self.header + "-A KUBE-SERVICES -m comment --comment x --frobnicate 1 -j ACCEPT\nCOMMIT\n")
        #expect(error == .unknownOption(line: 3, column: 41, option: "--frobnicate"))
        #expect(error?.description == "line 3, column 41: unknown option \"--frobnicate\"")
    }

    @Test("--dport without -p tcp or -m tcp is unknown, as in iptables")
    func portWithoutProtocol() {
        #expect(
            Self.error(in: Self.header + "-A KUBE-SERVICES --dport 80\nCOMMIT\n")
                == .unknownOption(line: 3, column: 18, option: "--dport"))
    }

    @Test("a table without COMMIT fails at the end of the text or at the next table")
    func missingCommit() {
        #expect(
            Self.error(in: Self.header + "-A KUBE-SERVICES -j ACCEPT\n")
                == .missingCommit(line: 4, column: 1, table: "nat"))
        #expect(Self.error(in: Self.header + "*filter\nCOMMIT\n") == .missingCommit(line: 3, column: 1, table: "nat"))
        #expect(
            Self.error(in: Self.header)?.description == "line 3, column 1: table nat is not closed by COMMIT")
    }

    @Test("a rule or chain before *table is outside a table")
    func ruleOutsideTable() {
        let error = Self.error(in: "-A KUBE-SERVICES -j ACCEPT\n*nat\nCOMMIT\n")
        #expect(error == .ruleOutsideTable(line: 1, column: 1, text: "-A"))
        #expect(Self.error(in: "\n  :FOO - [0:0]\n") == .ruleOutsideTable(line: 2, column: 3, text: ":FOO"))
    }

    @Test("a rule for an undeclared chain names the chain")
    func unknownChain() {
        #expect(
            Self.error(in: "*filter\n-A KUBE-FORWARD -j ACCEPT\nCOMMIT\n")
                == .unknownChain(line: 2, column: 4, chain: "KUBE-FORWARD"))
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var text: String
        var error: IptablesParseError
        var testDescription: String { error.description }
    }

    static let malformedCases: [ErrorCase] = [
        ErrorCase(text: "*natty\nCOMMIT\n", error: .unknownTable(line: 1, column: 2, table: "natty")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -m comment --comment \"open\nCOMMIT\n",
            error: .unterminatedQuote(line: 3, column: 39)),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -j\nCOMMIT\n", error: .missingValue(line: 3, column: 18, option: "-j")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -d 10.0.0.300 -j DROP\nCOMMIT\n",
            error: .invalidAddress(line: 3, column: 21, value: "10.0.0.300")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES ! -m mark\nCOMMIT\n",
            error: .unexpectedNegation(line: 3, column: 20, option: "-m")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -s 1.1.1.1 -s 2.2.2.2\nCOMMIT\n",
            error: .duplicateOption(line: 3, column: 29, option: "-s")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -m statistic --probability 0.5\nCOMMIT\n",
            error: .missingOption(line: 3, column: 18, module: "-m statistic", option: "--mode")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -j ACCEPT stray\nCOMMIT\n",
            error: .unexpectedArgument(line: 3, column: 28, argument: "stray")),
        ErrorCase(
            text: "*nat\n:KUBE-SERVICES maybe [0:0]\nCOMMIT\n",
            error: .malformedChain(line: 2, column: 1, text: ":KUBE-SERVICES maybe [0:0]")),
        ErrorCase(
            text: header + ":KUBE-SERVICES - [0:0]\nCOMMIT\n",
            error: .duplicateChain(line: 3, column: 2, chain: "KUBE-SERVICES")),
        ErrorCase(
            text: header + "-Z KUBE-SERVICES\nCOMMIT\n", error: .unknownCommand(line: 3, column: 1, command: "-Z")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -j MARK --or-mark lots\nCOMMIT\n",
            error: .invalidValue(line: 3, column: 36, option: "--or-mark", value: "lots")),
        ErrorCase(
            text: header + "-A KUBE-SERVICES -m statistic ! --mode random --probability 0.5\nCOMMIT\n",
            error: .unexpectedNegation(line: 3, column: 33, option: "--mode")),
    ]

    @Test("more malformed input", arguments: malformedCases)
    func malformed(_ testCase: ErrorCase) {
        #expect(Self.error(in: testCase.text) == testCase.error)
    }

    @Test("comments, blank lines and indentation are skipped; columns count from the line start")
    func commentsAndColumns() {
        let text =
            "# Generated by iptables-save v1.8.9\n\n*filter\n:INPUT ACCEPT [0:0]\n    -A INPUT -p tcp --dport x\nCOMMIT\n"
        #expect(Self.error(in: text) == .invalidValue(line: 5, column: 29, option: "--dport", value: "x"))
    }
}
