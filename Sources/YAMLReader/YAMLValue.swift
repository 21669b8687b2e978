import Yams

/// A cursor over a composed YAML node that knows its file, line and field path, so that every decoding
/// error names all three. Reading is budgeted: an alias bomb (anchors referencing anchors) is composed by
/// Yams as shared nodes, and walking it is what would explode, so every node visited costs one unit.
///
/// The field path is kept as a chain of components and only turned into text when asked for (an error, or
/// a topology recording field lines): a 10k-Service manifest visits hundreds of thousands of nodes.
public struct YAMLValue {
    public let node: Node
    /// The parent's path and this value's own component: the chain object for this value is only
    /// allocated when it gets children (leaves, most of a document, cost nothing).
    let parentPath: YAMLPath?
    let component: YAMLPath.Component?
    public let context: YAMLContext

    public init(node: Node, path: String, context: YAMLContext) {
        self.node = node
        parentPath = nil
        component = path.isEmpty ? nil : .key(path)
        self.context = context
    }

    init(node: Node, parentPath: YAMLPath?, component: YAMLPath.Component, context: YAMLContext) {
        self.node = node
        self.parentPath = parentPath
        self.component = component
        self.context = context
    }

    /// This value's path as a chain object (for its children).
    var pathNode: YAMLPath? {
        guard let component else { return parentPath }
        return YAMLPath(parent: parentPath, component: component)
    }

    /// The field path, such as `pods[2].node`.
    public var path: String { pathNode?.text ?? "" }

    /// The 1-based line of this value.
    public var line: Int { context.line(node.mark) }

    public func error(_ problem: LocatedError.Problem, field: String? = nil, line: Int? = nil) -> LocatedError {
        LocatedError(file: context.file, line: line ?? self.line, field: field ?? path, problem: problem)
    }

    public func charge() throws(LocatedError) {
        if context.recordsLines {
            let text = path
            if context.lines[text] == nil { context.lines[text] = line }
        }
        context.visited += 1
        if context.visited > context.budget { throw error(.expansionLimit(context.budget)) }
    }

    func child(_ node: Node, key: String, parent: YAMLPath?) -> YAMLValue {
        YAMLValue(node: node, parentPath: parent, component: .key(key), context: context)
    }

    func child(_ node: Node, index: Int, parent: YAMLPath?) -> YAMLValue {
        YAMLValue(node: node, parentPath: parent, component: .index(index), context: context)
    }

    /// The mapping's entries by key; fails on a non-mapping or a key outside `allowed`.
    public func mapping(allowed: [String]) throws(LocatedError) -> YAMLMapping {
        try charge()
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping")) }
        var pairs: [(String, YAMLValue)] = []
        let parent = pathNode
        for (key, value) in mapping {
            try charge()
            guard let name = key.string else {
                throw error(.wrongType(expected: "string keys"), line: key.mark.map { context.line($0) })
            }
            let item = child(value, key: name, parent: parent)
            guard allowed.contains(name) else {
                throw LocatedError(
                    file: context.file, line: key.mark.map { context.line($0) } ?? line, field: item.path,
                    problem: .unknownField(allowed: allowed))
            }
            pairs.append((name, item))
        }
        return YAMLMapping(owner: self, pairs: pairs)
    }

    /// The mapping's entries by key, any key allowed (Kubernetes objects carry many fields the dataplane
    /// does not read: uid, managedFields, status …).
    public func fields() throws(LocatedError) -> YAMLMapping {
        try charge()
        if case .scalar(let scalar) = node, ["", "null", "~"].contains(scalar.string) {
            return YAMLMapping(owner: self, pairs: [])
        }
        guard case .mapping(let mapping) = node else { throw error(.wrongType(expected: "a mapping")) }
        var pairs: [(String, YAMLValue)] = []
        pairs.reserveCapacity(mapping.count)
        let parent = pathNode
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            pairs.append((name, child(value, key: name, parent: parent)))
        }
        return YAMLMapping(owner: self, pairs: pairs)
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
        result.reserveCapacity(items.count)
        let parent = pathNode
        for (index, item) in items.enumerated() {
            try charge()
            result.append(child(item, index: index, parent: parent))
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
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
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
                throw error(.wrongType(expected: "a mapping of strings"), line: key.mark.map { context.line($0) })
            }
            result[name] = scalar.string
        }
        return result
    }
}

/// One component of a field path, linked to its parent; rendered as `a.b[2].c` on demand.
final class YAMLPath: Sendable {
    enum Component {
        case key(String)
        case index(Int)
    }
    let parent: YAMLPath?
    let component: Component

    init(parent: YAMLPath?, component: Component) {
        self.parent = parent
        self.component = component
    }

    var text: String {
        var components: [Component] = []
        var cursor: YAMLPath? = self
        while let node = cursor {
            components.append(node.component)
            cursor = node.parent
        }
        var result = ""
        for component in components.reversed() {
            switch component {
            case .key(let key): result += result.isEmpty ? key : "." + key
            case .index(let index): result += "[\(index)]"
            }
        }
        return result
    }
}

/// A mapping's fields, looked up by name with location-aware errors. Kept as pairs in document order:
/// objects have a handful of keys, and a linear scan is cheaper than hashing each one.
public struct YAMLMapping {
    public let owner: YAMLValue
    public let pairs: [(String, YAMLValue)]

    public init(owner: YAMLValue, pairs: [(String, YAMLValue)]) {
        self.owner = owner
        self.pairs = pairs
    }

    /// The fields by name.
    public var entries: [String: YAMLValue] { Dictionary(pairs, uniquingKeysWith: { _, last in last }) }

    public subscript(_ key: String) -> YAMLValue? {
        for (name, value) in pairs where name == key { return value }
        return nil
    }

    public func required(_ key: String) throws(LocatedError) -> YAMLValue {
        guard let value = self[key] else {
            throw owner.error(.missingField, field: owner.path.isEmpty ? key : "\(owner.path).\(key)")
        }
        return value
    }
}

/// Shared decoding context: the file name, the node budget, and (for topologies) each field's line.
public final class YAMLContext {
    public let file: String
    public let budget: Int
    public var visited = 0
    /// Record the line of every field path read, so that later (semantic) errors can point at the field
    /// itself. Topology files turn it on; large manifests leave it off.
    public var recordsLines = false
    public var lines: [String: Int] = [:]
    /// Lines before the text this context reads (a large file is composed in pieces).
    public let lineOffset: Int

    public init(file: String, budget: Int, recordsLines: Bool = false, lineOffset: Int = 0) {
        self.file = file
        self.budget = budget
        self.recordsLines = recordsLines
        self.lineOffset = lineOffset
    }

    /// The file line of a mark.
    public func line(_ mark: Mark?) -> Int { mark.map { $0.line + lineOffset } ?? 0 }
}
