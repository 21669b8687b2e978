import ArgumentParser
import Dataplane
import Foundation
import NetCore
import Scenario
import Trace
import Wire

/// `kdp trace`: send one packet and print its walk.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace a packet from a pod or node to a pod, node or IP through the emulated dataplane.",
        discussion: """
            --from accepts a pod (NAME or NAMESPACE/NAME) or a node, router or host name. --to accepts the \
            same, an IPv4 address, or a Service as svc/NAMESPACE/NAME (sent to its ClusterIP), each \
            optionally followed by :PORT (for a Service, a port number or the Service port's name). The \
            default port is the target pod's first containerPort for the protocol, a Service's first port, \
            else 80. --count N sends the same flow N times on the evolving state (the first packet shows \
            ARP resolution, later ones hit the cache). --reply also traces the answer back from where the \
            packet was delivered; --all-paths enumerates every path the -m statistic rules allow.
            """)

    @Argument(help: "Topology file (topologies/*.yaml).")
    var topology: String

    @Option(help: "Sender: a pod (NAME or NAMESPACE/NAME), node, router or host.")
    var from: String

    @Option(help: "Destination: POD|NODE|ROUTER|HOST|IP|svc/NAMESPACE/NAME, with optional :PORT.")
    var to: String

    @Option(
        name: .customLong("proto"), help: "tcp, udp or icmp (default: the Service port's protocol for svc/…, else tcp)."
    )
    var proto: String?

    @Option(help: "Destination port (overrides :PORT).")
    var port: Int?

    @Option(help: "Source port (default: an ephemeral port drawn from --seed).")
    var sport: Int?

    @Option(help: "UDP or ICMP payload bytes.")
    var size: Int = 56

    @Option(help: "Initial TTL.")
    var ttl: Int = 64

    @Option(help: "Seed for the ephemeral port and the random choices of -m statistic rules.")
    var seed: UInt64 = 1

    @Flag(help: "Fan out over -m statistic rules: every reachable path with its probability.")
    var allPaths = false

    @Flag(help: "Also trace the reply from where the packet was delivered (shows un-NAT).")
    var reply = false

    @Option(help: "Send the same flow this many times on the evolving state.")
    var count: Int = 1

    @Option(help: "minimal, summary or detailed.")
    var detail: String = "summary"

    @Option(help: "text, json or mermaid.")
    var format: String = "text"

    @Option(help: "Write every frame, as seen on each device it left, to this pcap file.")
    var pcap: String?

    func validate() throws {
        if let proto, IPProtocol(name: proto).map({ [.tcp, .udp, .icmp].contains($0) }) != true {
            throw ValidationError("--proto must be tcp, udp or icmp, not \"\(proto)\"")
        }
        if allPaths, count != 1 { throw ValidationError("--all-paths and --count do not combine") }
        if allPaths, reply { throw ValidationError("--all-paths and --reply do not combine") }
        guard DetailLevel(rawValue: detail) != nil else {
            throw ValidationError("--detail must be minimal, summary or detailed")
        }
        guard ["text", "json", "mermaid"].contains(format) else {
            throw ValidationError("--format must be text, json or mermaid")
        }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1...65535") }
        if let sport, !(1...65535).contains(sport) { throw ValidationError("--sport must be 1...65535") }
        guard (1...255).contains(ttl) else { throw ValidationError("--ttl must be 1...255") }
        guard (0...65000).contains(size) else { throw ValidationError("--size must be 0...65000") }
        guard (1...1000).contains(count) else { throw ValidationError("--count must be 1...1000") }
    }

    func run() throws {
        var cluster = try loadCluster(topology)
        let request = try TraceRequest.resolve(
            cluster: cluster, from: from, to: to, proto: proto.flatMap(IPProtocol.init(name:)), port: port,
            sport: sport,
            size: size, ttl: UInt8(ttl), seed: seed)
        var traces: [Trace] = []
        if allPaths {
            traces = cluster.dataplane.sendAllPaths(
                request.packet, from: request.netns, source: request.sourceLabel, destination: request.destinationLabel)
        } else {
            for _ in 0..<count {
                let trace = cluster.dataplane.send(
                    request.packet, from: request.netns, source: request.sourceLabel,
                    destination: request.destinationLabel,
                    seed: seed)
                traces.append(trace)
                if reply, let answer = cluster.dataplane.reply(to: trace, seed: seed) { traces.append(answer) }
            }
        }
        if format == "text" {
            // Routes the emulated kernel refused while wiring explain many drops: say so up front.
            for failure in cluster.setupFailures { output("warning: \(failure)\n") }
        }
        render(traces)
        if allPaths, format == "text" { output(AllPathsSummary.text(traces)) }
        if let pcap { try writePcap(traces, to: pcap) }
    }

    func render(_ traces: [Trace]) {
        if format == "json" {
            // One document: an object for one packet, an array of them otherwise.
            let values = traces.map { trace -> JSONValue in
                let value = JSONRenderer.value(trace)
                guard let probability = trace.probability, case .object(let pairs) = value else { return value }
                return .object([("probability", .fraction(probability))] + pairs)
            }
            output((values.count == 1 ? values[0] : .array(values)).serialized() + "\n")
            return
        }
        for (index, trace) in traces.enumerated() {
            let marker = format == "mermaid" ? "%%" : "#"
            if let probability = trace.probability {
                output(
                    "\(marker) path \(index + 1) of \(traces.count), probability \(String(format: "%.4f", probability))\n"
                )
            } else if traces.count > 1 {
                output(
                    "\(marker) \(reply && index % 2 == 1 ? "reply" : "packet \(reply ? index / 2 + 1 : index + 1)")\n")
            }
            output(
                format == "mermaid"
                    ? MermaidRenderer.render(trace)
                    : TextRenderer(level: DetailLevel(rawValue: detail) ?? .summary).render(trace))
        }
    }

    func writePcap(_ traces: [Trace], to path: String) throws {
        var writer = PcapWriter()
        var time = Instant.zero
        for trace in traces {
            for (_, frame) in trace.transmittedFrames {
                time = time.advanced(byNanoseconds: 1_000)
                writer.append(frame.emit(), at: time)
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(writer.bytes)) else {
            throw InputError(message: "\(path): cannot write the pcap file")
        }
    }
}

/// Loads a topology, turning its errors into exit-status-2 input errors.
func loadCluster(_ path: String) throws -> Cluster {
    do {
        return try Cluster.load(path: path)
    } catch {
        throw InputError(message: error.description)
    }
}
