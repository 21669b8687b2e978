import Yams

/// A cursor over a composed YAML node that knows its file, line and field path, so that every decoding
/// error names all three. Reading is budgeted: an alias bomb (anchors referencing anchors) is composed by
/// Yams as shared nodes, and walking it is what would explode, so every node visited costs one unit.
public struct YAMLValue {
    public let node: Node
    /// The field path, such as `pods[2].node`.
    public let path: String
    public let context: YAMLContext

    public init(node: Node, path: String, context: YAMLContext) {
        self.node = node
        self.path = path
        self.context = context
    }

    /// The 1-based line of this value.
    public var line: Int { node.mark?.line ?? 0 }

    public func error(_ problem: LocatedError.Problem, field: String? = nil, line: Int? = nil) -> LocatedError {
        LocatedError(file: context.file, line: line ?? self.line, field: field ?? path, problem: problem)
    }

    public func charge() throws(LocatedError) {
        if context.lines[path] == nil { context.lines[path] = line }
        context.visited += 1
        if context.visited > context.budget { throw error(.expansionLimit(context.budget)) }
    }

    /// The mapping's entries by key; fails on a non-mapping or a key outside `allowed`.
    public func mapping(allowed: [String]) throws(LocatedError) -> YAMLMapping {
        try charge()
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping")) }
        var entries: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            try charge()
            guard let name = key.string else { throw error(.wrongType(expected: "string keys"), line: key.mark?.line) }
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                throw LocatedError(
                    file: context.file, line: key.mark?.line ?? line, field: childPath,
                    problem: .unknownField(allowed: allowed))
            }
            entries[name] = YAMLValue(node: value, path: childPath, context: context)
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    /// The mapping's entries by key, any key allowed (Kubernetes objects carry many fields the dataplane
    /// does not read: uid, managedFields, status …).
    public func fields() throws(LocatedError) -> YAMLMapping {
        try charge()
        if case .scalar(let scalar) = node, ["", "null", "~"].contains(scalar.string) {
            return YAMLMapping(owner: self, entries: [:])
        }
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping")) }
        var entries: [String: YAMLValue] = [:]
        entries.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            entries[name] = YAMLValue(node: value, path: path.isEmpty ? name : "\(path).\(name)", context: context)
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    /// True for an explicit null (`~`, `null` or nothing).
    public var isNull: Bool {
        if case .scalar(let scalar) = node {
            return ["", "null", "~", "Null", "NULL"].contains(scalar.string) && scalar.style == .plain
        }
        return false
    }

    /// The sequence's items; null counts as empty.
    public func sequence() throws(LocatedError) -> [YAMLValue] {
        try charge()
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" {
            return []
        }
        guard case .sequence(let items) = node else { throw error(.wrongType(expected: "a list")) }
        var result: [YAMLValue] = []
        for (index, item) in items.enumerated() {
            try charge()
            result.append(YAMLValue(node: item, path: "\(path)[\(index)]", context: context))
        }
        return result
    }

    public func string() throws(LocatedError) -> String {
        try charge()
        guard case .scalar(let scalar) = node else { throw error(.wrongType(expected: "a string")) }
        return scalar.string
    }

    public func int(in range: ClosedRange<Int>) throws(LocatedError) -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw error(.invalidValue(text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)"))
        }
        return value
    }

    public func bool() throws(LocatedError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.invalidValue(text, expected: "true or false"))
        }
    }

    /// A string-to-string mapping (labels).
    public func stringMap() throws(LocatedError) -> [String: String] {
        try charge()
        if case .scalar(let scalar) = node, ["", "null", "~"].contains(scalar.string) { return [:] }
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping of strings")) }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            try charge()
            guard let name = key.string, case .scalar(let scalar) = value else {
                throw error(.wrongType(expected: "a mapping of strings"), line: key.mark?.line)
            }
            result[name] = scalar.string
        }
        return result
    }
}

/// A mapping's fields, looked up by name with location-aware errors.
public struct YAMLMapping {
    public let owner: YAMLValue
    public let entries: [String: YAMLValue]

    public init(owner: YAMLValue, entries: [String: YAMLValue]) {
        self.owner = owner
        self.entries = entries
    }

    public subscript(_ key: String) -> YAMLValue? { entries[key] }

    public func required(_ key: String) throws(LocatedError) -> YAMLValue {
        guard let value = entries[key] else {
            throw owner.error(.missingField, field: owner.path.isEmpty ? key : "\(owner.path).\(key)")
        }
        return value
    }
}

/// Shared decoding context: the file name and the node budget.
public final class YAMLContext {
    public let file: String
    public let budget: Int
    public var visited = 0
    /// The line of every field path read, so that later (semantic) errors can point at the field itself.
    public var lines: [String: Int] = [:]
    public init(file: String, budget: Int) {
        self.file = file
        self.budget = budget
    }
}
