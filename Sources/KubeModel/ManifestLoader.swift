import Foundation
import NetCore
import YAMLReader

/// Reads Kubernetes objects as `kubectl get -o yaml` prints them: multi-document files, `kind: List`,
/// unknown fields ignored, API defaults applied, invalid values reported with file, line and field.
public enum ManifestLoader {
    /// Loads and merges several files.
    public static func load(paths: [String]) throws(LocatedError) -> Manifest {
        var manifest = Manifest()
        for path in paths {
            try parse(try YAMLDocument.read(path: path), file: path, into: &manifest)
        }
        return manifest
    }

    /// Parses one file's text into `manifest`. A large file is split at document markers and its pieces
    /// composed and decoded on all cores; objects keep file order, and the first error in file order wins.
    public static func parse(_ text: String, file: String, into manifest: inout Manifest) throws(LocatedError) {
        let pieces = YAMLDocument.split(text, into: ProcessInfo.processInfo.activeProcessorCount)
        if pieces.count == 1 {
            try parsePiece(text, file: file, lineOffset: 0, into: &manifest)
            return
        }
        let results = PieceResults(count: pieces.count)
        DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
            var part = Manifest()
            do throws(LocatedError) {
                try parsePiece(
                    String(pieces[index].text), file: file, lineOffset: pieces[index].lineOffset, into: &part)
                results.set(index, .success(part))
            } catch {
                results.set(index, .failure(error))
            }
        }
        for result in results.all {
            switch result {
            case .success(let part): manifest.merge(part)
            case .failure(let error): throw error
            case nil: break
            }
        }
    }

    static func parsePiece(_ text: String, file: String, lineOffset: Int, into manifest: inout Manifest)
        throws(LocatedError)
    {
        for document in try YAMLDocument.composeAll(text, file: file, lineOffset: lineOffset) {
            try decodeObject(document, into: &manifest)
        }
    }

    static func decodeObject(_ value: YAMLValue, into manifest: inout Manifest) throws(LocatedError) {
        let object = try value.fields()
        let kind = try object["kind"]?.string() ?? ""
        switch kind {
        case "List", "ServiceList", "EndpointSliceList", "PodList", "NodeList":
            for item in try object["items"]?.sequence() ?? [] { try decodeObject(item, into: &manifest) }
        case "Service":
            if let service = try ServiceDecoder.decode(rooted(value, object, kind: kind)) {
                manifest.services.append(service)
            }
        case "EndpointSlice":
            if let slice = try SliceDecoder.decode(rooted(value, object, kind: kind)) { manifest.slices.append(slice) }
        case "Pod":
            manifest.pods.append(try PodDecoder.decodePod(rooted(value, object, kind: kind)))
        case "Node":
            manifest.nodes.append(try PodDecoder.decodeNode(rooted(value, object, kind: kind)))
        case "":
            throw value.error(.missingField, field: value.path.isEmpty ? "kind" : "\(value.path).kind")
        default:
            manifest.ignoredKinds[kind, default: 0] += 1
        }
    }

    /// The object re-rooted so that field paths read `Service ns1/svc1.spec.ports[0].port`.
    static func rooted(_ value: YAMLValue, _ object: YAMLMapping, kind: String) throws(LocatedError) -> YAMLMapping {
        let metadata = try object.required("metadata").fields()
        let name = try metadata.required("name").string()
        let namespace = try metadata["namespace"]?.string() ?? (kind == "Node" ? "" : "default")
        let label = namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
        return try YAMLValue(node: value.node, path: label, context: value.context).fields()
    }
}

/// Field readers shared by the object decoders.
extension YAMLMapping {
    func string(_ key: String) throws(LocatedError) -> String? {
        guard let value = self[key], !value.isNull else { return nil }
        return try value.string()
    }

    func port(_ key: String, allowZero: Bool = false) throws(LocatedError) -> UInt16? {
        guard let value = self[key], !value.isNull else { return nil }
        let number = try value.int(in: (allowZero ? 0 : 1)...65535)
        return number == 0 ? nil : UInt16(number)
    }

    func bool(_ key: String) throws(LocatedError) -> Bool? {
        guard let value = self[key], !value.isNull else { return nil }
        return try value.bool()
    }

    func proto(_ key: String) throws(LocatedError) -> IPProtocol {
        guard let value = self[key], !value.isNull else { return .tcp }
        let text = try value.string()
        switch text {
        case "TCP": return .tcp
        case "UDP": return .udp
        case "SCTP": return .sctp
        default: throw value.error(.invalidValue(text, expected: "TCP, UDP or SCTP"))
        }
    }

    func metadata() throws(LocatedError) -> (namespace: String, name: String, labels: [String: String]) {
        let metadata = try required("metadata").fields()
        return (
            try metadata.string("namespace") ?? "default", try metadata.required("name").string(),
            try metadata["labels"]?.stringMap() ?? [:]
        )
    }

    /// An IPv4 address field; nil for IPv6 (the other family); an error for anything else.
    func ipv4(_ value: YAMLValue) throws(LocatedError) -> IPv4Address? {
        let text = try value.string()
        if let address = KubeAddress.ipv4(text) { return address }
        if KubeAddress.isIPv6(text) { return nil }
        throw value.error(.invalidValue(text, expected: "an IP address"))
    }

    /// A list of IPv4 addresses, IPv6 entries dropped.
    func ipv4List(_ key: String) throws(LocatedError) -> [IPv4Address] {
        var result: [IPv4Address] = []
        for item in try self[key]?.sequence() ?? [] {
            if let address = try ipv4(item) { result.append(address) }
        }
        return result
    }
}

/// Per-piece outcomes of a parallel parse, written once each under a lock.
final class PieceResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Manifest, LocatedError>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Manifest, LocatedError>) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    var all: [Result<Manifest, LocatedError>?] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

extension Manifest {
    /// Appends another manifest's objects after this one's.
    mutating func merge(_ other: Manifest) {
        services += other.services
        slices += other.slices
        pods += other.pods
        nodes += other.nodes
        for (kind, count) in other.ignoredKinds { ignoredKinds[kind, default: 0] += count }
    }
}
