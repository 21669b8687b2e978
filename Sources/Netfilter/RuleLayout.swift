/// How a rule was written in iptables-restore input: the order of its parts and the spellings that
/// `iptables-save` would normalise away. ``RestorePrinter`` follows it; ``SavePrinter`` ignores it.
///
/// iptables: the kernel keeps only the matches and the target, so `iptables-save` prints them in its canonical
/// order; kube-proxy's restore input writes `-m comment … -m tcp -p tcp -d IP --dport N` instead, and its tests
/// compare that text byte for byte.
public struct RuleLayout: Hashable, Sendable {
    /// One part of a rule's argument list.
    public enum Part: Hashable, Sendable {
        /// A header match (`-s`, `-d`, `-i`, `-o`, `-p`, `-f`) at this index of ``Rule/matches``.
        case match(Int)
        /// The `-m NAME` that loads the match at this index (absent for a protocol match loaded implicitly by
        /// `-p tcp --dport 80`).
        case module(Int)
        /// One option of the match at this index, by its long name (`--dport`).
        case option(match: Int, key: String)
        /// `-j NAME` or `-g NAME`.
        case target
        /// One option of the target, by its long name (`--to-destination`).
        case targetOption(key: String)
    }

    /// How a value was spelled where more than one spelling means the same.
    public enum Spelling: Hashable, Sendable {
        /// The printer's own choice.
        case standard
        /// A single host written with its `/32`.
        case withPrefixLength
        /// A string written in double quotes.
        case quoted
        /// A string written without quotes; several bare words (kube-proxy's test fake writes
        /// `--comment kubernetes service portals`) are kept joined by single spaces.
        case bare
    }

    /// A part and its spelling.
    public struct Element: Hashable, Sendable {
        /// Which part.
        public var part: Part
        /// How its value was spelled.
        public var spelling: Spelling

        /// Creates an element.
        public init(_ part: Part, spelling: Spelling = .standard) {
            self.part = part
            self.spelling = spelling
        }
    }

    /// The parts in written order.
    public var elements: [Element]

    /// Creates a layout.
    public init(elements: [Element]) {
        self.elements = elements
    }

    /// The spelling recorded for `part`, or `.standard`.
    public func spelling(of part: Part) -> Spelling {
        elements.first { $0.part == part }?.spelling ?? .standard
    }
}
