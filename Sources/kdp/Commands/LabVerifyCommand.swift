import ArgumentParser
import Foundation
import Lab
import Scenario

struct LabVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Send probes through the lab and check each against the emulator's prediction.",
        discussion: """
            Probes: pod → pod on the same node and across nodes (every containerPort, TCP and UDP), pod → Service \
            ClusterIP:port, external host → NodePort, node → pod, ICMP echo, and refusals: pod → a port nobody \
            listens on (TCP and UDP) and pod → an unused address of a pod CIDR. Listeners in every namespace \
            record who received each probe and from which source address (so masquerading shows); a raw ICMP \
            socket beside each sender catches the ICMP error that came back (type, code, source). A TCP reset, \
            the sender's own errno (no route, blackhole) and silence are told apart too. A Service probe agrees \
            when the kernel's outcome is one of those the emulator's all-paths walk reaches. Probes whose \
            prediction ends in failed ARP wait 3 s longer (the kernel's ARP retries). BGP topologies also \
            compare each speaker's `proto bird` routes. Uses the lab if it is up with this topology; otherwise \
            brings it up and (unless --keep) down again. Exit status 1 when anything disagrees.
            """)

    @Argument(help: "Topology file.")
    var topology: String

    @Option(help: "Lab name (default: kdp-<topology name>).")
    var name: String?

    @Option(help: "Number of probes, taken from every kind in turn (default: all).")
    var probes: Int?

    @Option(help: "Seed for choosing the probes.")
    var seed: UInt64 = 1

    @Option(help: "Seconds to wait for an answer before a probe counts as unanswered.")
    var timeout: Double = 1.0

    @Flag(help: "Leave a lab that verify brought up running afterwards.")
    var keep = false

    @Option(help: "iptables backend for kube-proxy's rules when verify brings the lab up: nft or legacy.")
    var iptables: IptablesBackendArgument = .nft

    func validate() throws {
        if let probes, probes < 1 { throw ValidationError("--probes must be at least 1") }
        guard timeout > 0 && timeout <= 30 else { throw ValidationError("--timeout must be in (0, 30] seconds") }
    }

    func run() throws {
        do { try Lab.requirePrivilege("verify") } catch { throw labFailure(error) }
        let cluster = try loadCluster(topology)
        let identity = labIdentity(cluster, path: topology, name: name)
        let broughtUp: Bool
        do {
            let result = try Lab.up(
                cluster: cluster, topology: topology, digest: identity.digest, name: identity.name,
                iptables: iptables.backend)
            if case .created = result { broughtUp = true } else { broughtUp = false }
        } catch { throw labFailure(error) }
        defer { if broughtUp && !keep { _ = try? Lab.down(name: identity.name) } }
        let verifier = LabVerifier(lab: identity.name, cluster: cluster)
        let report: LabVerifier.Report
        do { report = try verifier.run(verifier.select(count: probes, seed: seed), timeout: timeout) } catch {
            throw labFailure(error)
        }
        output(render(report, lab: identity.name))
        if !report.agrees { throw ExitCode(1) }
    }

    func render(_ report: LabVerifier.Report, lab: String) -> String {
        var lines = ["lab \(lab): \(report.rows.count) probes"]
        lines += report.skipped.map { "skipped: \($0)" }
        let width = min(72, report.rows.map { $0.probe.label.count }.max() ?? 10)
        for row in report.rows {
            let label = row.probe.label.padding(
                toLength: max(width, row.probe.label.count), withPad: " ", startingAt: 0)
            let verdict = row.agrees ? "agree   " : "DISAGREE"
            lines.append(
                "\(verdict) \(row.probe.kind.padding(toLength: 18, withPad: " ", startingAt: 0)) \(label)  kernel: \(row.observed)"
            )
            if !row.agrees || row.predicted.count > 1 || row.predicted.first != row.observed {
                lines.append("         emulator: \(row.predicted.joined(separator: " | "))")
            }
        }
        for speaker in report.bgp {
            if speaker.onlyEmulator.isEmpty && speaker.onlyKernel.isEmpty {
                lines.append("agree    BGP routes of \(speaker.speaker)")
            } else {
                lines.append("DISAGREE BGP routes of \(speaker.speaker)")
                lines += speaker.onlyEmulator.map { "         - emulator only: \($0)" }
                lines += speaker.onlyKernel.map { "         + kernel only:   \($0)" }
            }
        }
        let disagreeing = report.rows.filter { !$0.agrees }.count
        let bgpDisagreeing = report.bgp.filter { !$0.onlyEmulator.isEmpty || !$0.onlyKernel.isEmpty }.count
        lines.append(
            "verify: \(report.rows.count - disagreeing)/\(report.rows.count) probes agree"
                + (report.bgp.isEmpty
                    ? "" : ", BGP routes agree on \(report.bgp.count - bgpDisagreeing)/\(report.bgp.count) speakers")
                + (report.agrees ? "" : " — the emulator and the kernel disagree"))
        return lines.joined(separator: "\n") + "\n"
    }
}
