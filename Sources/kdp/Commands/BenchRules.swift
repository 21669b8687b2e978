import Foundation
import KubeModel
import KubeProxy
import NetCore
import Netfilter
import Wire

/// The kube-proxy figures of `kdp bench`: compile time and peak memory per size (each size in a fresh child
/// process so that peak RSS is its own), the whole `kdp rules` command on a 10k-Service file, and a trace
/// through the 10k ruleset.
enum BenchRules {
    static let config = ProxyConfig(
        nodeName: "node-0", nodeIPs: [IPv4Address(192, 168, 0, 2)],
        localDetector: .clusterCIDR(IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 8)),
        localhostNodePorts: true, iptablesHasRandomFully: true)

    /// Runs in the child: compiles `services` × `endpoints` once to warm up, then times the best of `runs`.
    static func compileOnce(services: Int, endpoints: Int, runs: Int) -> String {
        let (svc, slices) = SyntheticCluster.objects(services: services, endpoints: endpoints)
        let compiler = IptablesCompiler(config: config)
        var best = Double.infinity
        var lines = 0
        var bytes = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let payload = compiler.compile(services: svc, slices: slices)
            var size = 0
            payload.write { size += $0.count }  // what writing it out costs beyond the compile: nothing to join
            best = min(best, (ContinuousClock.now - start).seconds)
            lines = payload.filterRuleCount + payload.natRuleCount
            bytes = size
        }
        return String(
            format:
                "compile %d services × %d endpoints: %.3f s (best of %d), %d rules, %.1f MiB of restore text, peak RSS %.0f MiB",
            services, endpoints, best, runs, lines, Double(bytes) / 1_048_576, peakRSSMiB())
    }

    /// A trace through the ruleset of `services` Services with the netfilter engine and with kube-proxy's oracle.
    static func traceThrough(services: Int, endpoints: Int) throws -> String {
        let (svc, slices) = SyntheticCluster.objects(services: services, endpoints: endpoints)
        let payload = IptablesCompiler(config: config).compile(services: svc, slices: slices)
        let ruleset = try KubeProxyJumpRules.ruleset(applying: payload.text)
        let index = RuleIndex(ruleset)
        let evaluator = RuleEvaluator(index: index)
        let target = svc[services - 1].clusterIP ?? .any
        let packet = IPv4Packet(
            header: IPv4Header(protocol: .tcp, source: IPv4Address(10, 200, 0, 5), destination: target),
            payload: .tcp(TCPSegment(header: TCPHeader(sourcePort: 40000, destinationPort: 80, flags: .syn))))
        var recent = RecentTable()
        var chooser = SeededChooser(seed: 1)
        let rounds = 200
        var start = ContinuousClock.now
        var destination = ""
        for _ in 0..<rounds {
            let nat = evaluator.run(
                .nat, hook: .prerouting, context: PacketContext(packet: packet, inInterface: "cni0", state: .new),
                recent: &recent, chooser: &chooser, now: .zero)
            _ = evaluator.run(
                .filter, hook: .forward,
                context: PacketContext(packet: packet, inInterface: "cni0", outInterface: "eth0", state: .new),
                recent: &recent, chooser: &chooser, now: .zero)
            if case .dnat(let target)? = nat.nat { destination = target.range.map { "\($0)" } ?? "" }
        }
        let engine = (ContinuousClock.now - start).seconds / Double(rounds) * 1000
        let tracer = KubeProxyTracer(ruleset: ruleset, nodeIPs: config.nodeIPs)
        start = ContinuousClock.now
        var output = ""
        for _ in 0..<rounds {
            output =
                tracer.trace(
                    PacketFlow(
                        name: "b", source: IPv4Address(10, 200, 0, 5), destination: target, port: 80, proto: "tcp")
                ).output
        }
        let oracle = (ContinuousClock.now - start).seconds / Double(rounds) * 1000
        return String(
            format:
                "trace through %d services: netfilter engine nat PREROUTING + filter FORWARD %.3f ms (DNAT to %@); kube-proxy oracle %.3f ms (%d endpoints listed)",
            services, engine, destination, oracle, output.split(separator: ",").count)
    }

    /// The process's peak resident set (`VmHWM`). Not `getrusage`: Linux carries `ru_maxrss` across
    /// `execve`, so a child started by a large parent would report the parent's peak.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return .nan }
        return kib / 1024
    }
}
