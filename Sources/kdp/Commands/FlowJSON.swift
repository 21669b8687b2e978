import Foundation
import KubeProxy
import NetCore
import Trace

/// The flows file format of the conformance cases and the `{name, output, masq}` result list.
enum FlowJSON {
    static func load(_ path: String) throws -> [PacketFlow] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(message: "\(path): cannot read file")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw InputError(message: "\(path): expected a JSON list of flow objects")
        }
        return try list.enumerated().map { index, item in
            let field = "\(path): [\(index)]"
            guard let source = (item["sourceIP"] as? String).flatMap(IPv4Address.init),
                let destination = (item["destIP"] as? String).flatMap(IPv4Address.init)
            else { throw InputError(message: "\(field): sourceIP and destIP must be IPv4 addresses") }
            guard let port = item["destPort"] as? Int, (0...65535).contains(port) else {
                throw InputError(message: "\(field).destPort: expected a port number")
            }
            let proto = ((item["protocol"] as? String) ?? "").lowercased()
            return PacketFlow(
                name: item["name"] as? String ?? "flow \(index)", source: source, destination: destination,
                port: UInt16(port),
                proto: proto.isEmpty ? "tcp" : proto)
        }
    }

    static func render(_ results: [FlowResult]) -> String {
        JSONValue.array(
            results.map {
                .object([("name", .string($0.name)), ("output", .string($0.output)), ("masq", .bool($0.masq))])
            }
        ).serialized() + "\n"
    }
}
