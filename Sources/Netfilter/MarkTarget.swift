/// `-j MARK`: change `skb->mark`. Every form is the kernel's `mark = (mark & ~mask) ^ value`.
///
/// iptables: libxt_MARK (revision 2) saves every form as `--set-xmark VALUE/MASK` (fact 17):
/// `--or-mark X` ⇒ `X/X`, `--xor-mark X` ⇒ `X/0x0`, `--and-mark X` ⇒ `0x0/~X`, `--set-mark X[/M]` ⇒
/// `X/(M|X)` with M defaulting to `0xffffffff`, `--set-xmark X` ⇒ `X/0xffffffff`. Linux: `mark_tg`.
public struct MarkTarget: Hashable, Sendable {
    /// The operation as written.
    public enum Operation: Hashable, Sendable {
        /// `--set-xmark VALUE[/MASK]`.
        case setXMark(value: UInt32, mask: UInt32?)
        /// `--set-mark VALUE[/MASK]`.
        case setMark(value: UInt32, mask: UInt32?)
        /// `--or-mark BITS` (kube-proxy's KUBE-MARK-MASQ).
        case orMark(UInt32)
        /// `--and-mark BITS`.
        case andMark(UInt32)
        /// `--xor-mark BITS` (kube-proxy clears its bit with it).
        case xorMark(UInt32)
    }

    /// The operation as written.
    public var operation: Operation

    /// Creates a MARK target.
    public init(_ operation: Operation) {
        self.operation = operation
    }

    /// The `(value, mask)` pair the kernel stores.
    public var kernelValue: (value: UInt32, mask: UInt32) {
        switch operation {
        case .setXMark(let value, let mask): (value, mask ?? .max)
        case .setMark(let value, let mask): (value, (mask ?? .max) | value)
        case .orMark(let bits): (bits, bits)
        case .andMark(let bits): (0, ~bits)
        case .xorMark(let bits): (bits, 0)
        }
    }

    /// The mark after this target: `(mark & ~mask) ^ value`.
    public func apply(to mark: UInt32) -> UInt32 {
        let (value, mask) = kernelValue
        return (mark & ~mask) ^ value
    }
}

/// `-j MARK` while parsed and printed.
struct MarkTargetModule: TargetExtension {
    var value: MarkTarget?

    init(_ value: MarkTarget? = nil) {
        self.value = value
    }

    func canonicalOption(_ option: String) -> String? {
        ["--set-xmark", "--set-mark", "--or-mark", "--and-mark", "--xor-mark"].contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        guard value == nil else {
            throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
        }
        let word = try reader.value(for: option.token)
        guard let pair = MarkNumber.parsePair(word.text) else { throw reader.invalid(word, for: option.token) }
        switch option.key {
        case "--set-xmark": value = MarkTarget(.setXMark(value: pair.value, mask: pair.mask))
        case "--set-mark": value = MarkTarget(.setMark(value: pair.value, mask: pair.mask))
        default:
            guard pair.mask == nil else { throw reader.invalid(word, for: option.token) }
            switch option.key {
            case "--or-mark": value = MarkTarget(.orMark(pair.value))
            case "--and-mark": value = MarkTarget(.andMark(pair.value))
            default: value = MarkTarget(.xorMark(pair.value))
            }
        }
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        if value == nil {
            throw .missingOption(line: line, column: token.column, module: "-j MARK", option: "--set-xmark")
        }
    }

    var target: Target { .mark(value ?? MarkTarget(.setXMark(value: 0, mask: nil))) }

    func saveOptions() -> [PrintedOption] {
        guard let value else { return [] }
        let (mark, mask) = value.kernelValue
        return [
            PrintedOption(key: "--set-xmark", text: "--set-xmark \(MarkNumber.hex(mark))/\(MarkNumber.hex(mask))")
        ]
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        guard let value else { return [] }
        func pair(_ value: UInt32, _ mask: UInt32?) -> String {
            MarkNumber.hex(value) + (mask.map { "/" + MarkNumber.hex($0) } ?? "")
        }
        let (key, argument): (String, String) =
            switch value.operation {
            case .setXMark(let mark, let mask): ("--set-xmark", pair(mark, mask))
            case .setMark(let mark, let mask): ("--set-mark", pair(mark, mask))
            case .orMark(let bits): ("--or-mark", MarkNumber.hex(bits))
            case .andMark(let bits): ("--and-mark", MarkNumber.hex(bits))
            case .xorMark(let bits): ("--xor-mark", MarkNumber.hex(bits))
            }
        return [PrintedOption(key: key, text: "\(key) \(argument)")]
    }
}
