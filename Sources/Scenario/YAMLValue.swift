import Yams

/// A cursor over a composed YAML node that knows its file, line and field path, so that every decoding
/// error names all three. Reading is budgeted: an alias bomb (anchors referencing anchors) is composed by
/// Yams as shared nodes, and walking it is what would explode, so every node visited costs one unit.
struct YAMLValue {
    let node: Node
    let path: String
    let context: YAMLContext

    var line: Int { node.mark?.line ?? 0 }

    func error(_ problem: TopologyError.Problem, field: String? = nil, line: Int? = nil) -> TopologyError {
        TopologyError(file: context.file, line: line ?? self.line, field: field ?? path, problem: problem)
    }

    func charge() throws(TopologyError) {
        if context.lines[path] == nil { context.lines[path] = line }
        context.visited += 1
        if context.visited > context.budget { throw error(.expansionLimit(context.budget)) }
    }

    /// The mapping's entries by key; fails on a non-mapping or a key outside `allowed`.
    func mapping(allowed: [String]) throws(TopologyError) -> YAMLMapping {
        try charge()
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping")) }
        var entries: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            try charge()
            guard let name = key.string else { throw error(.wrongType(expected: "string keys"), line: key.mark?.line) }
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                throw TopologyError(
                    file: context.file, line: key.mark?.line ?? line, field: childPath,
                    problem: .unknownField(allowed: allowed))
            }
            entries[name] = YAMLValue(node: value, path: childPath, context: context)
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    /// The sequence's items; null counts as empty.
    func sequence() throws(TopologyError) -> [YAMLValue] {
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

    func string() throws(TopologyError) -> String {
        try charge()
        guard case .scalar(let scalar) = node else { throw error(.wrongType(expected: "a string")) }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>) throws(TopologyError) -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw error(.invalidValue(text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)"))
        }
        return value
    }

    func bool() throws(TopologyError) -> Bool {
        let text = try string()
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.invalidValue(text, expected: "true or false"))
        }
    }

    /// A string-to-string mapping (labels).
    func stringMap() throws(TopologyError) -> [String: String] {
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
struct YAMLMapping {
    let owner: YAMLValue
    let entries: [String: YAMLValue]

    subscript(_ key: String) -> YAMLValue? { entries[key] }

    func required(_ key: String) throws(TopologyError) -> YAMLValue {
        guard let value = entries[key] else {
            throw owner.error(.missingField, field: owner.path.isEmpty ? key : "\(owner.path).\(key)")
        }
        return value
    }
}

/// Shared decoding context: the file name and the node budget.
final class YAMLContext {
    let file: String
    let budget: Int
    var visited = 0
    /// The line of every field path read, so that later (semantic) errors can point at the field itself.
    var lines: [String: Int] = [:]
    init(file: String, budget: Int) {
        self.file = file
        self.budget = budget
    }
}
