import Glibc
import NetCore
import Testing

@testable import Lab
@testable import Scenario

/// What `kdp lab verify` expects the sender to see, taken from the emulator's traces (no kernel needed). The
/// same cases run against the kernel in LabCLITests; the reference's observable facts are quoted per test.
@Suite struct LabPredictionTests {
    let verifier: LabVerifier

    init() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        verifier = LabVerifier(lab: "t", cluster: try Cluster.load(path: "/\(root)/topologies/flannel-vxlan.yaml"))
    }

    func probe(from pod: String, to destination: String, _ proto: IPProtocol, port: UInt16) throws
        -> LabVerifier.Probe
    {
        let source = try #require(verifier.cluster.pods.first { $0.name == pod })
        return LabVerifier.Probe(
            kind: "test", from: source.netns, proto: proto, destination: try #require(IPv4Address(destination)),
            port: port, label: "test")
    }

    @Test("a closed TCP port resets; a closed UDP port answers ICMP port unreachable from the pod itself")
    func closedPorts() throws {
        let tcp = verifier.predict(try probe(from: "client", to: "10.244.2.2", .tcp, port: 9))
        #expect(tcp.outcomes == [.reset])
        #expect(tcp.patience == 0)
        let udp = verifier.predict(try probe(from: "client", to: "10.244.2.2", .udp, port: 9))
        #expect(udp.outcomes == [.icmpError(type: 3, code: 3, from: IPv4Address(10, 244, 2, 2))])
    }

    @Test("a Service without endpoints: ICMP 3/3 from the sender's node's cni0 address, at once")
    func serviceWithoutEndpoints() throws {
        let result = verifier.predict(try probe(from: "web-b", to: "10.96.0.99", .tcp, port: 80))
        #expect(result.outcomes == [.icmpError(type: 3, code: 3, from: IPv4Address(10, 244, 2, 1))])
        #expect(result.patience == 0)
    }

    @Test("no pod at an address of a remote pod CIDR: ICMP 3/1 from that node's flannel.1, after the ARP retries")
    func noPodOnAnotherNode() throws {
        let result = verifier.predict(try probe(from: "client", to: "10.244.2.254", .tcp, port: 80))
        #expect(result.outcomes == [.icmpError(type: 3, code: 1, from: IPv4Address(10, 244, 2, 0))])
        #expect(result.patience == LabVerifier.neighbourFailureSeconds)
    }

    @Test("no pod at an address of the sender's own subnet: the sender's stack reports 3/1 from itself")
    func noPodOnTheSameNode() throws {
        let result = verifier.predict(try probe(from: "client", to: "10.244.1.254", .tcp, port: 80))
        #expect(result.outcomes == [.icmpError(type: 3, code: 1, from: IPv4Address(10, 244, 1, 2))])
        #expect(result.patience == LabVerifier.neighbourFailureSeconds)
    }

    @Test("a ClusterIP port the Service does not expose goes to the segment's gateway, which has no route: 3/0")
    func unexposedServicePort() throws {
        // flannel-vxlan.yaml's gateway has no default route; the kernel's connect() fails with ENETUNREACH.
        let result = verifier.predict(try probe(from: "client", to: "10.96.0.10", .tcp, port: 81))
        #expect(result.outcomes == [.icmpError(type: 3, code: 0, from: IPv4Address(192, 168, 1, 1))])
    }

    @Test("refusal probes: each pod's closed TCP and UDP port; an unused pod address on the sender's node and another")
    func refusalCandidates() {
        let probes = verifier.candidates().joined()
        let closed = probes.filter { $0.kind == "pod→closed port" }
        #expect(closed.count == 2 * verifier.cluster.pods.count)
        let noPod = probes.filter { $0.kind == "pod→no pod" }
        #expect(noPod.map(\.destination) == [IPv4Address(10, 244, 1, 254), IPv4Address(10, 244, 2, 254)])
        let senders = noPod.compactMap { probe in verifier.cluster.pods.first { $0.netns == probe.from }?.node }
        #expect(senders == ["node-a", "node-a"])
    }
}
