import ArgumentParser
import BGP
import Dataplane
import Foundation
import NetCore
import Scenario
import Trace

/// `kdp bench`: throughput and latency figures (never asserted in tests; printed for humans and notes).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure traces per second, cold `kdp trace` wall time and BGP convergence (use a release build).")

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case all, trace, bgp, rules
    }

    @Option(help: "Which figures: all, trace, bgp or rules.")
    var suite: Suite = .all

    @Option(help: "Internal: compile this many synthetic Services once and report (used by --suite rules).")
    var compileServices: Int?

    @Option(help: "Topology to measure.")
    var topology = "topologies/two-nodes-routed.yaml"

    @Option(help: "Sender.")
    var from = "client"

    @Option(help: "Destination.")
    var to = "web-b"

    @Option(help: "Seconds to run the warm loop.")
    var seconds: Double = 2

    @Option(help: "Cold runs of the kdp binary.")
    var coldRuns = 20

    func run() throws {
        if let compileServices {
            output(
                BenchRules.compileOnce(services: compileServices, endpoints: 10, runs: compileServices > 20000 ? 2 : 5)
                    + "\n")
            return
        }
        if suite == .all || suite == .trace { try traceFigures() }
        if suite == .all || suite == .bgp { bgpFigures() }
        if suite == .all || suite == .rules { try rulesFigures() }
    }

    /// kube-proxy compile time and memory per size (child processes), the whole command, a trace.
    func rulesFigures() throws {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        for size in [1000, 10000, 30000] {
            let (status, text) = try runChild(binary, ["bench", "--compile-services", String(size)])
            guard status == 0 else { throw InputError(message: "bench child for \(size) services failed") }
            output(text)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-bench-10k-\(getpid()).yaml")
        let proxy = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-bench-proxy-\(getpid()).yaml")
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: proxy)
        }
        try SyntheticCluster.yaml(services: 10000, endpoints: 10).write(to: file, atomically: true, encoding: .utf8)
        try
            "nodeName: node-0\nnodeIPs: [192.168.0.2]\nlocalTrafficDetector: {mode: ClusterCIDR, clusterCIDR: 10.0.0.0/8}\niptablesHasRandomFully: true\n"
            .write(to: proxy, atomically: true, encoding: .utf8)
        var samples: [Double] = []
        for _ in 0..<3 {
            let start = ContinuousClock.now
            let (status, _) = try runChild(
                binary, ["rules", "--mode", "iptables", "--proxy-config", proxy.path, file.path])
            guard status == 0 else { throw InputError(message: "kdp rules on the 10k file failed") }
            samples.append((ContinuousClock.now - start).seconds)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        output(
            String(
                format: "whole `kdp rules` on a 10k-Service manifest (%.1f MiB of YAML): best %.2f s of 3 runs\n",
                Double(size ?? 0) / 1_048_576, samples.min() ?? 0))
        output(try BenchRules.traceThrough(services: 10000, endpoints: 10) + "\n")
    }

    func runChild(_ binary: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Convergence of a 100-node full mesh and of 1000 nodes behind two route reflectors.
    func bgpFigures() {
        func speakers(_ count: Int) -> [BGPSpeaker] {
            (0..<count).map { i in
                BGPSpeaker(
                    name: "n\(i)", routerID: IPv4Address(rawValue: 0x0A00_0000 + UInt32(i) + 1), asn: 64512,
                    originated: [IPv4Prefix(address: IPv4Address(rawValue: 0x0AF4_0000 + UInt32(i) << 6), length: 26)])
            }
        }
        let mesh = BGPTopology(speakers: speakers(100), sessions: BGPTopology.fullMesh(Array(0..<100)))
        report("100-node full mesh", mesh, leaving: 0)
        var nodes = speakers(1000)
        nodes.append(
            BGPSpeaker(
                name: "rr1", routerID: IPv4Address(10, 255, 0, 1), asn: 64512, clusterID: IPv4Address(10, 255, 0, 1)))
        nodes.append(
            BGPSpeaker(
                name: "rr2", routerID: IPv4Address(10, 255, 0, 2), asn: 64512, clusterID: IPv4Address(10, 255, 0, 2)))
        var sessions = [BGPSession(1000, 1001)]
        for client in 0..<1000 {
            sessions.append(BGPSession(1000, client, aReflectsB: true))
            sessions.append(BGPSession(1001, client, aReflectsB: true))
        }
        report("1000 nodes, 2 route reflectors", BGPTopology(speakers: nodes, sessions: sessions), leaving: 0)
    }

    func report(_ label: String, _ topology: BGPTopology, leaving: Int) {
        let clock = ContinuousClock()
        var simulation = BGPSimulation(topology: topology)
        let start = clock.now
        let stats = simulation.start()
        let converged = (clock.now - start).seconds
        let routes = (0..<topology.speakers.count).reduce(0) { $0 + simulation.routes(of: $1).count }
        let leaveStart = clock.now
        let withdrawal = simulation.remove(leaving)
        let left = (clock.now - leaveStart).seconds
        output(
            String(
                format:
                    "bgp %@: converged in %.1f ms, %d rounds, %d UPDATE messages, %d prefix updates, %d Loc-RIB routes; "
                    + "one node leaving: %.1f ms, %d messages\n", label, converged * 1000, stats.rounds, stats.messages,
                stats.prefixUpdates, routes, left * 1000, withdrawal.messages))
    }

    func traceFigures() throws {
        var cluster = try loadCluster(topology)
        let request = try TraceRequest.resolve(
            cluster: cluster, from: from, to: to, proto: .tcp, port: nil, sport: nil, size: 0, ttl: 64, seed: 1)
        _ = cluster.dataplane.send(
            request.packet, from: request.netns, source: request.sourceLabel, destination: request.destinationLabel)
        let warm = cluster.dataplane
        measure("warm trace (walk only)", request) { dataplane in
            _ = dataplane.send(
                request.packet, from: request.netns, source: request.sourceLabel, destination: request.destinationLabel)
        }(warm)
        let renderer = TextRenderer(level: .minimal)
        measure("warm trace + minimal text render", request) { dataplane in
            let trace = dataplane.send(
                request.packet, from: request.netns, source: request.sourceLabel, destination: request.destinationLabel)
            _ = renderer.render(trace)
        }(warm)
        try coldRun(request)
    }

    /// Runs `body` on a fresh copy of the warm state for `seconds` and prints traces per second.
    func measure(_ label: String, _ request: TraceRequest, _ body: @escaping (inout Dataplane) -> Void) -> (Dataplane)
        -> Void
    {
        { warm in
            var traces = 0
            let clock = ContinuousClock()
            let start = clock.now
            let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
            while clock.now < deadline {
                for _ in 0..<100 {
                    var dataplane = warm
                    body(&dataplane)
                    traces += 1
                }
            }
            let elapsed = (clock.now - start).seconds
            output(
                String(
                    format: "%@ %@ → %@ on %@: %d traces in %.2f s = %.0f traces/s (%.2f µs/trace)\n", label,
                    request.sourceLabel, request.destinationLabel, topology, traces, elapsed, Double(traces) / elapsed,
                    elapsed / Double(traces) * 1e6))
        }
    }

    /// Spawns `kdp trace` repeatedly (the same binary) and reports wall time per run.
    func coldRun(_ request: TraceRequest) throws {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var samples: [Double] = []
        for _ in 0..<coldRuns {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["trace", topology, "--from", from, "--to", to, "--detail", "minimal"]
            process.standardOutput = FileHandle.nullDevice
            let clock = ContinuousClock()
            let start = clock.now
            try process.run()
            process.waitUntilExit()
            samples.append((clock.now - start).seconds * 1000)
            guard process.terminationStatus == 0 else {
                throw InputError(message: "kdp trace exited \(process.terminationStatus)")
            }
        }
        samples.sort()
        output(
            String(
                format: "cold `kdp trace` (process start to exit), %d runs: median %.1f ms, min %.1f ms, max %.1f ms\n",
                samples.count, samples[samples.count / 2], samples[0], samples[samples.count - 1]))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
