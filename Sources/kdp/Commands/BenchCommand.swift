import ArgumentParser
import Dataplane
import Foundation
import Scenario
import Trace

/// `kdp bench`: throughput and latency figures (never asserted in tests; printed for humans and notes).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure warm traces per second and cold `kdp trace` wall time (use a release build).")

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
