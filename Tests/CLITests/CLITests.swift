import Foundation
import Testing

@Suite("kdp command line: outcomes, exit status 2 on bad input, pcap read by the real tcpdump")
struct CLITests {
    @Test("the golden traces assert the key facts: TTL 64 same node, 62 across nodes, ARP only on the first packet")
    func keyFacts() throws {
        let same = try KDP.run(
            KDP.arguments("trace topologies/single-node.yaml --from client --to web --detail minimal"))
        #expect(same.stdout.contains("verdict: delivered to pod default/web tcp/80 (http) (ttl 64)"))
        let cross = try KDP.run(
            KDP.arguments("trace topologies/two-nodes-routed.yaml --from client --to web-b --detail minimal --count 2"))
        let packets = cross.stdout.components(separatedBy: "# packet 2\n")
        #expect(packets.count == 2)
        #expect(packets[0].contains("(ARP who-has/is-at)"))
        #expect(!packets[1].contains("ARP"))
        #expect(packets[1].contains("verdict: delivered to pod default/web-b tcp/80 (http) (ttl 62)"))
        let unknown = try KDP.run(
            KDP.arguments(
                "trace topologies/two-nodes-routed.yaml --from client --to 10.9.9.9 --proto icmp --detail minimal"))
        #expect(unknown.stdout.contains("verdict: dropped at node-a: no route to 10.9.9.9"))
        #expect(unknown.stdout.contains("sends ICMP net 10.9.9.9 unreachable"))
    }

    @Test("an ICMP error about a DNATed datagram comes back from the Service address, quoting the Service")
    func relatedErrorIsUnDNATed() throws {
        // A UDP Service whose pods do not listen on the target port: each pod answers port unreachable,
        // and the client's node rewrites the error as the kernel's nf_nat_icmp_reply_translation does.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kdp-related-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let topology = try String(
            contentsOf: KDP.root.appendingPathComponent("topologies/flannel-vxlan.yaml"), encoding: .utf8
        ).replacingOccurrences(of: "manifests: [flannel-vxlan-services.yaml]", with: "manifests: [udp.yaml]")
        try topology.write(to: directory.appendingPathComponent("topology.yaml"), atomically: true, encoding: .utf8)
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: probe, namespace: default}
            spec:
              clusterIP: 10.96.0.20
              selector: {app: web}
              ports:
              - {name: probe, port: 9999, protocol: UDP, targetPort: 9999}
            """
        try service.write(to: directory.appendingPathComponent("udp.yaml"), atomically: true, encoding: .utf8)
        // Seed 3 picks web-a (same node, bridged back), seed 6 web-b (across the VXLAN overlay).
        for seed in [3, 6] {
            let result = try KDP.run([
                "trace", directory.appendingPathComponent("topology.yaml").path, "--from", "client", "--to",
                "svc/default/probe", "--seed", "\(seed)", "--detail", "minimal",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("node-a: POSTROUTING un-DNAT 10.244."), "\(result.stdout)")
            #expect(
                result.stdout.contains(
                    "pod default/client: delivered to ICMP 10.96.0.20 udp port 9999 unreachable (error to the sending socket)"
                ), "\(result.stdout)")
            #expect(!result.stdout.contains("INVALID"))
        }
    }

    @Test("show and topology check know the hosts outside the cluster and the Services")
    func hostsAndServices() throws {
        let show = try KDP.run(KDP.arguments("show topologies/flannel-vxlan.yaml --node laptop routes"))
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("default via 192.168.1.1 dev eth0"), "\(show.stdout)")
        let check = try KDP.run(KDP.arguments("topology check topologies/flannel-vxlan.yaml"))
        #expect(check.stdout.contains("  host laptop: 192.168.1.100 on lan0, via 192.168.1.1"), "\(check.stdout)")
        #expect(
            check.stdout.contains("  service default/web: ClusterIP 10.96.0.10 ports 80/tcp, 3 endpoints"),
            "\(check.stdout)")
    }

    @Test(
        "bad input exits 2 with a message naming what is wrong",
        arguments: [
            (
                "trace topologies/two-nodes-routed.yaml --from nobody --to web-b",
                "unknown pod, node, router or host \"nobody\""
            ),
            (
                "trace topologies/two-nodes-routed.yaml --from client --to nowhere",
                "unknown pod, node, router or host \"nowhere\""
            ),
            (
                "trace topologies/two-nodes-routed.yaml --from client --to web-b --proto gre",
                "--proto must be tcp, udp or icmp"
            ),
            ("trace topologies/missing.yaml --from client --to web-b", "topologies/missing.yaml: cannot read file"),
            ("show topologies/two-nodes-routed.yaml --node node-z routes", "unknown node, router or host \"node-z\""),
            (
                "trace topologies/flannel-vxlan.yaml --from client --to svc/default/web --all-paths --reply",
                "--all-paths and --reply do not combine"
            ),
            ("trace topologies/two-nodes-routed.yaml --from client --to web-b:99999", "invalid port"),
            ("trace topologies/two-nodes-routed.yaml --from client --to web-b --bogus", "Unknown option"),
        ])
    func badInput(arguments: String, message: String) throws {
        let result = try KDP.run(KDP.arguments(arguments))
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("an invalid topology file exits 2 listing every problem as file:line: field: message")
    func invalidTopology() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-bad-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: path) }
        let text = """
            name: bad
            segments:
              - {name: lan0, cidr: 192.168.1.0/24}
            nodes:
              - {name: a, segment: lan0, address: 192.168.1.10, podCIDR: 10.244.1.0/24}
              - {name: b, segment: lan0, address: 192.168.1.10, podCIDR: 10.244.1.128/25}
            pods:
              - {name: p, node: c}

            """
        try text.write(to: path, atomically: true, encoding: .utf8)
        let result = try KDP.run(["topology", "check", path.path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path.path):6: nodes[1].address: duplicate IP 192.168.1.10 (already used by node a)"))
        #expect(
            lines.contains(
                "\(path.path):6: nodes[1].podCIDR: CIDR 10.244.1.128/25 overlaps 10.244.1.0/24 (nodes[0].podCIDR)"))
        #expect(lines.contains("\(path.path):8: pods[0].node: unknown node \"c\""))
    }

    @Test("--pcap writes every frame; the real tcpdump decodes ARP and the TCP SYN on each link")
    func pcapReadByTcpdump() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try KDP.run(
            KDP.arguments(
                "trace topologies/two-nodes-routed.yaml --from client --to web-b --detail minimal --pcap \(path.path)"))
        #expect(result.status == 0)
        let tcpdump = try #require(Tcpdump.path, "tcpdump is not installed: run `make deps`")
        let decoded = try Tcpdump.read(tcpdump, path.path)
        #expect(decoded.contains("ARP, Request who-has 10.244.1.1 tell 10.244.1.2"))
        #expect(decoded.contains("ARP, Reply 10.244.1.1 is-at"))
        #expect(decoded.contains("IP 10.244.1.2.48763 > 10.244.2.2.80: Flags [S]"))
        // The SYN is captured on each device it left: pod eth0, node-a eth0, node-b cni0 side (veth) …
        let syns = decoded.split(separator: "\n").filter { $0.contains("Flags [S]") }
        #expect(syns.count == 3)
        #expect(!decoded.contains("truncated"))
    }
}

extension CLITests {
    @Test("a VXLAN trace's pcap decodes with the real tcpdump -T vxlan: vni 1 and the inner addresses")
    func vxlanPcap() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-\(UUID().uuidString).pcap")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try KDP.run(
            KDP.arguments(
                "trace topologies/flannel-vxlan.yaml --from client --to web-b --detail minimal --pcap \(path.path)"))
        #expect(result.status == 0)
        let tcpdump = try #require(Tcpdump.path, "tcpdump is not installed: run `make deps`")
        let decoded = try Tcpdump.read(tcpdump, path.path, extra: ["-T", "vxlan"])
        #expect(decoded.contains("IP 192.168.1.10."))
        #expect(decoded.contains("> 192.168.1.11.8472: VXLAN, flags [I] (0x08), vni 1"))
        #expect(decoded.contains("IP 10.244.1.2.48763 > 10.244.2.2.80: Flags [S]"))
        #expect(!decoded.contains("truncated"))
    }
}

enum Tcpdump {
    static var path: String? {
        ["/usr/bin/tcpdump", "/usr/sbin/tcpdump", "/sbin/tcpdump"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    static func read(_ tcpdump: String, _ file: String, extra: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tcpdump)
        process.arguments = ["-n", "-r", file] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
