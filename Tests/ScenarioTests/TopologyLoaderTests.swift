import Foundation
import NetCore
import Scenario
import Testing

let minimal = """
    name: t
    segments:
      - name: lan0
        cidr: 192.168.1.0/24
    nodes:
      - name: node-a
        segment: lan0
        address: 192.168.1.10
        podCIDR: 10.244.1.0/24
      - name: node-b
        segment: lan0
        address: 192.168.1.11
        podCIDR: 10.244.2.0/24
    pods:
      - name: client
        node: node-a
      - name: web
        node: node-b
        ip: 10.244.2.7

    """

/// Loads `text` and returns the errors (empty when it built).
func errors(_ text: String) -> [TopologyError] {
    do {
        let spec = try TopologyLoader.parse(text, file: "t.yaml")
        _ = try Cluster.build(spec)
        return []
    } catch let error as TopologyError {
        return [error]
    } catch let error as TopologyErrors {
        return error.errors
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}

@Suite("Topology files: schema, validation errors with file, line and field")
struct TopologyLoaderTests {
    @Test("a valid topology builds; host-local IPAM gives the first pod .2 and keeps explicit IPs")
    func valid() throws {
        let cluster = try Cluster.build(try TopologyLoader.parse(minimal, file: "t.yaml"))
        #expect(cluster.pod("client")?.ip == IPv4Address("10.244.1.2"))
        #expect(cluster.pod("default/web")?.ip == IPv4Address("10.244.2.7"))
        #expect(cluster.setupFailures.isEmpty)
    }

    @Test(
        "each problem names file, line and field",
        arguments: [
            (
                minimal.replacingOccurrences(of: "    node: node-b", with: "    node: node-z"), 18, "pods[1].node",
                "unknown node \"node-z\""
            ),
            (
                minimal.replacingOccurrences(of: "ip: 10.244.2.7", with: "ip: 10.244.1.7"), 19, "pods[1].ip",
                "is outside 10.244.2.0/24"
            ),
            (
                minimal.replacingOccurrences(of: "10.244.2.0/24", with: "10.244.1.0/25"), 13, "nodes[1].podCIDR",
                "overlaps 10.244.1.0/24"
            ),
            (
                minimal.replacingOccurrences(of: "address: 192.168.1.11", with: "address: 192.168.1.10"), 12,
                "nodes[1].address", "duplicate IP 192.168.1.10"
            ),
            (
                minimal.replacingOccurrences(of: "  - name: web", with: "  - name: client"), 17, "pods[1].name",
                "duplicate pod name \"default/client\""
            ),
            (
                minimal.replacingOccurrences(of: "10.244.2.0/24", with: "10.244.2.0/33"), 13, "nodes[1].podCIDR",
                "invalid CIDR \"10.244.2.0/33\""
            ),
            (
                minimal.replacingOccurrences(of: "10.244.2.0/24", with: "10.244.2.5/24"), 13, "nodes[1].podCIDR",
                "host bits set"
            ),
            (
                minimal.replacingOccurrences(of: "    podCIDR: 10.244.2.0/24", with: "    podCidr: 10.244.2.0/24"), 13,
                "nodes[1].podCidr", "unknown field"
            ),
            (
                minimal.replacingOccurrences(of: "    address: 192.168.1.11\n", with: ""), 10, "nodes[1].address",
                "required field is missing"
            ),
            (
                minimal.replacingOccurrences(of: "address: 192.168.1.11", with: "address: 192.168.1.300"), 12,
                "nodes[1].address", "expected an IPv4 address"
            ),
            (
                minimal.replacingOccurrences(of: "address: 192.168.1.11", with: "address: 192.168.2.11"), 12,
                "nodes[1].address", "is outside 192.168.1.0/24"
            ),
            (
                minimal.replacingOccurrences(of: "ip: 10.244.2.7", with: "ip: 10.244.2.1"), 19, "pods[1].ip",
                "is node node-b's cni0 gateway"
            ),
            (
                minimal.replacingOccurrences(
                    of: "segment: lan0\n    address: 192.168.1.11", with: "segment: lan9\n    address: 192.168.1.11"),
                11, "nodes[1].segment", "unknown segment \"lan9\""
            ),
        ] as [(String, Int, String, String)])
    func located(text: String, line: Int, field: String, message: String) {
        let found = errors(text)
        #expect(found.count >= 1)
        guard let first = found.first else { return }
        #expect(first.file == "t.yaml")
        #expect(first.line == line)
        #expect(first.field == field)
        #expect(first.description.contains(message), "\(first.description)")
        #expect(first.description.hasPrefix("t.yaml:\(line): \(field): "))
    }

    @Test("a YAML syntax error is reported with its line")
    func syntax() {
        let found = errors("name: t\nsegments: [\n  - oops: {\n")
        #expect(found.first?.line ?? 0 > 0)
        #expect(found.first?.description.contains("YAML syntax error") == true)
    }

    @Test("an alias bomb stops at the node budget instead of exhausting time and memory")
    func aliasBomb() {
        // 2000 pods aliasing one pod whose containerPorts alias a 2000-entry list: 4 million ports to walk
        // from a 40 kB file.
        var text = "name: bomb\nsegments:\n  - {name: lan0, cidr: 192.168.0.0/16}\nnodes:\n"
        text +=
            "  - name: n\n    segment: lan0\n    address: 192.168.1.1\n    podCIDR: 10.0.0.0/8\n    listeners: &ports\n"
        text += String(repeating: "      - {port: 1}\n", count: 2000)
        text +=
            "pods:\n  - &p {name: p, node: n, containerPorts: *ports}\n" + String(repeating: "  - *p\n", count: 2000)
        let clock = ContinuousClock()
        let start = clock.now
        let found = errors(text)
        #expect(found.count == 1)
        #expect(found.first.map { "\($0.problem)".contains("expands to more than") } == true, "\(found)")
        #expect(clock.now - start < .seconds(10))
    }

    @Test(
        "the shipped topologies load without errors or setup failures",
        arguments: ["single-node.yaml", "two-nodes-routed.yaml"])
    func shipped(file: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("topologies/\(file)").path
        let cluster = try Cluster.load(path: path)
        #expect(!cluster.pods.isEmpty)
        #expect(cluster.setupFailures.isEmpty)
    }

    @Test("a missing file is a clear error naming it")
    func missingFile() {
        do {
            _ = try Cluster.load(path: "/nonexistent/topo.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/topo.yaml: cannot read file"))
        }
    }
}
