import Foundation
import KubeModel
import YAMLReader

/// One object named for deletion: `Service ns1/svc1`, `EndpointSlice ns3/svc3-1`, `Pod default/web`, `Node n1`.
///
/// kube-proxy: the object of an `OnServiceDelete` / `OnEndpointSliceDelete` event.
public struct ObjectReference: Hashable, Sendable, CustomStringConvertible {
    /// The object's kind.
    public var kind: ManifestKind
    /// Its namespace; empty for a Node.
    public var namespace: String
    /// Its name.
    public var name: String

    /// Creates a reference.
    public init(kind: ManifestKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Parses `KIND NAMESPACE/NAME` (`KIND NAME` for a Node; a missing namespace means `default`).
    public init?(parsing text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2, let kind = ManifestKind(rawValue: String(words[0])) else { return nil }
        let parts = words[1].split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.kind = kind
        namespace = kind == .node ? "" : parts.count == 2 ? String(parts[0]) : "default"
        name = String(parts[parts.count - 1])
    }

    /// `KIND NAMESPACE/NAME`, or `Node NAME`.
    public var description: String {
        namespace.isEmpty ? "\(kind.rawValue) \(name)" : "\(kind.rawValue) \(namespace)/\(name)"
    }
}

/// One step of a sync scenario: changes to the objects the proxier watches and to the node, then (usually) one
/// sync. A scenario is a JSON or YAML list of steps; the conformance `steps.json` files are such lists.
///
/// kube-proxy: the event handlers (`OnServiceAdd/Update/Delete`, `OnEndpointSliceAdd/Update/Delete`) followed
/// by `syncProxyRules`, as its `TestSyncProxyRulesRepeated` / `TestSyncProxyRulesLargeClusterMode` drive it.
public struct SyncStep: Sendable {
    /// How far the clock moves before the sync.
    public enum ClockAdvance: Hashable, Sendable {
        /// A number of seconds.
        case seconds(Double)
        /// Just past the proxier's `syncPeriod` (so a large-cluster cleanup is due again).
        case pastSyncPeriod
    }

    /// `step`, or the 1-based position in the list.
    public var number: Int
    /// `action`: free text. Read for changes only when the step has no `delete`, `iptables`, `advance` or
    /// `fullSync` key (see ``interpretAction(objectsFile:)``).
    public var action: String
    /// Files whose objects are created or replaced (`objects`).
    public var applyFiles: [String] = []
    /// Files whose objects are deleted (`delete` entries that are not `KIND NS/NAME`, or an `objects` file when
    /// the action starts with "delete").
    public var deleteFiles: [String] = []
    /// Objects to delete.
    public var deletions: [ObjectReference] = []
    /// `iptables` commands run on the node before the sync (see ``IptablesCommand``).
    public var iptablesCommands: [String] = []
    /// `advance`: seconds (or a Go duration such as `31s`, or `syncPeriod`) the clock moves before the sync.
    public var advance: ClockAdvance?
    /// `fullSync: true`: the sync is full whatever changed (`forceSyncProxyRules`).
    public var forceFullSync = false
    /// `sync: false`: make the changes without syncing; the next step's sync sees them too.
    public var syncs = true
    /// The scenario file the step came from, for errors.
    public var file: String
    /// The step's line in that file.
    public var line: Int

    /// Creates a step that changes nothing and syncs once.
    public init(number: Int, action: String = "", file: String = "", line: Int = 0) {
        self.number = number
        self.action = action
        self.file = file
        self.line = line
    }

    /// Loads a scenario. Relative object file names are resolved against `directory` (default: the scenario's
    /// own directory); keys other than those described are ignored, so expectations can sit beside the steps.
    public static func load(path: String, directory: String? = nil) throws(LocatedError) -> [SyncStep] {
        let root = try YAMLDocument.compose(try YAMLDocument.read(path: path, maximumBytes: 16 << 20), file: path)
        let base = directory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        var steps: [SyncStep] = []
        for (index, item) in try root.sequence().enumerated() {
            steps.append(try parse(item, index: index, base: base))
        }
        return steps
    }

    static func parse(_ item: YAMLValue, index: Int, base: String) throws(LocatedError) -> SyncStep {
        let fields = try item.fields()
        let number = try fields["step"].map { (value) throws(LocatedError) in try value.int(in: 0...1_000_000) }
        let action = try nonNull(fields["action"])?.string() ?? ""
        var step = SyncStep(number: number ?? index + 1, action: action, file: item.context.file, line: item.line)
        let objects = try strings(fields["objects"]).map { resolve($0, base: base) }
        for entry in try strings(fields["delete"]) {
            if let reference = ObjectReference(parsing: entry) {
                step.deletions.append(reference)
            } else {
                step.deleteFiles.append(resolve(entry, base: base))
            }
        }
        step.iptablesCommands = try strings(fields["iptables"])
        if let value = nonNull(fields["advance"]) {
            let text = try value.string()
            step.advance = text == "syncPeriod" ? .pastSyncPeriod : .seconds(try ProxyConfig.duration(value))
        }
        step.forceFullSync = try nonNull(fields["fullSync"])?.bool() ?? false
        step.syncs = try nonNull(fields["sync"])?.bool() ?? true
        let structured = ["delete", "iptables", "advance", "fullSync"].contains { nonNull(fields[$0]) != nil }
        if structured {
            step.applyFiles = objects
        } else {
            step.interpretAction(objectsFiles: objects)
        }
        return step
    }

    static func nonNull(_ value: YAMLValue?) -> YAMLValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// A string or a list of strings; nothing for null or absent.
    static func strings(_ value: YAMLValue?) throws(LocatedError) -> [String] {
        guard let value = nonNull(value) else { return [] }
        if let text = try? value.string() { return [text] }
        return try value.sequence().map { (item) throws(LocatedError) in try item.string() }
    }

    static func resolve(_ name: String, base: String) -> String {
        name.hasPrefix("/") ? name : URL(fileURLWithPath: base).appendingPathComponent(name).path
    }
}
