/// A problem in an input file (topology, Kubernetes manifest, proxy configuration), located at a file,
/// line and field path.
///
/// The CLI prints it as `file:line: field: message` and exits with status 2.
public struct LocatedError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line, or 0 when the problem is the file itself.
    public var line: Int
    /// The field path, such as `pods[2].node`.
    public var field: String
    public var problem: Problem

    public init(file: String, line: Int, field: String, problem: Problem) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    /// What is wrong.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case tooLarge(bytes: Int, limit: Int)
        case syntax(String)
        case expansionLimit(Int)
        case missingField
        case unknownField(allowed: [String])
        case wrongType(expected: String)
        case invalidValue(String, expected: String)
        case invalidCIDR(String, reason: String)
        case unknownReference(kind: String, name: String)
        case duplicateName(kind: String, name: String, firstLine: Int)
        case duplicateAddress(String, firstUse: String)
        case overlappingCIDR(String, other: String, otherField: String)
        case outsideCIDR(address: String, cidr: String, owner: String)
        case poolExhausted(cidr: String)
        case kernel(String)

        public var description: String {
            switch self {
            case .unreadable(let reason): "cannot read file: \(reason)"
            case .tooLarge(let bytes, let limit): "file is \(bytes) bytes, over the \(limit)-byte limit"
            case .syntax(let message): "YAML syntax error: \(message)"
            case .expansionLimit(let limit): "document expands to more than \(limit) nodes (alias bomb?)"
            case .missingField: "required field is missing"
            case .unknownField(let allowed): "unknown field (allowed: \(allowed.joined(separator: ", ")))"
            case .wrongType(let expected): "expected \(expected)"
            case .invalidValue(let value, let expected): "invalid value \"\(value)\": expected \(expected)"
            case .invalidCIDR(let value, let reason): "invalid CIDR \"\(value)\": \(reason)"
            case .unknownReference(let kind, let name): "unknown \(kind) \"\(name)\""
            case .duplicateName(let kind, let name, let firstLine):
                "duplicate \(kind) name \"\(name)\" (first defined on line \(firstLine))"
            case .duplicateAddress(let address, let firstUse): "duplicate IP \(address) (already used by \(firstUse))"
            case .overlappingCIDR(let cidr, let other, let otherField): "CIDR \(cidr) overlaps \(other) (\(otherField))"
            case .outsideCIDR(let address, let cidr, let owner): "\(address) is outside \(cidr) (\(owner))"
            case .poolExhausted(let cidr): "no free address left in \(cidr)"
            case .kernel(let message): message
            }
        }
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return field.isEmpty ? "\(location): \(problem)" : "\(location): \(field): \(problem)"
    }
}
