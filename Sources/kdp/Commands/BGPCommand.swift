import ArgumentParser
import BGP
import NetCore
import Scenario

/// `kdp bgp`: the BGP control plane of a Calico topology.
struct BGPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bgp",
        abstract: "Show BGP sessions, RIBs and convergence of a Calico topology.",
        discussion: """
            Speakers are the nodes (AS from cni.asNumber) and routers with a bgp section. The protocol runs \
            to a fixed point when the topology loads; --without NODE then takes a speaker down and shows the \
            withdrawals converging.
            """)

    @Argument(help: "Topology file (cni.plugin: calico).")
    var topology: String

    @Option(help: "Only this node or router.")
    var node: String?

    @Option(help: "Take this speaker down after convergence and show the result.")
    var without: String?

    func run() throws {
        let cluster = try loadCluster(topology)
        guard var bgp = cluster.bgp else {
            throw InputError(
                message: "\(topology): no BGP here (cni.plugin is \(cluster.spec.cni.plugin.rawValue), not calico)")
        }
        var lines = [
            "converged in \(bgp.convergence.rounds) rounds, \(bgp.convergence.messages) UPDATE messages, "
                + "\(bgp.convergence.prefixUpdates) prefix updates"
        ]
        if let without {
            guard let index = bgp.speakerIndex[without] else {
                throw InputError(message: "--without: unknown speaker \"\(without)\"")
            }
            let stats = bgp.simulation.remove(index)
            lines.append(
                "\(without) left: reconverged in \(stats.rounds) rounds, \(stats.messages) UPDATE messages, "
                    + "\(stats.prefixUpdates) prefix updates")
        }
        let names = bgp.topology.speakers.map(\.name)
        if let node, !names.contains(node) { throw InputError(message: "--node: unknown speaker \"\(node)\"") }
        for (index, speaker) in bgp.topology.speakers.enumerated() where node == nil || node == speaker.name {
            lines += describe(index, speaker, bgp)
        }
        for entry in bgp.unresolved where node == nil || node == entry.speaker {
            lines.append(
                "warning: \(entry.speaker): \(entry.prefix) next hop \(entry.nextHop) does not resolve; not installed")
        }
        output(lines.joined(separator: "\n") + "\n")
    }

    func describe(_ index: Int, _ speaker: BGPSpeaker, _ bgp: ClusterBGP) -> [String] {
        let simulation = bgp.simulation
        if simulation.removed.contains(index) { return ["", "speaker \(speaker.name): down"] }
        var lines = [
            "",
            "speaker \(speaker.name) (router id \(speaker.routerID), AS \(speaker.asn)\(speaker.clusterID.map { ", route reflector cluster \($0)" } ?? ""))",
        ]
        lines.append("  sessions:")
        for peer in simulation.sessions(of: index) {
            let remote = bgp.topology.speakers[peer.index]
            let kind = peer.isExternal ? "eBGP" : "iBGP"
            let role = peer.isClient ? ", rr client" : ""
            let state = simulation.isEstablished(index, peer.index) ? "Established" : "Idle"
            let received = simulation.received(by: index, from: peer.index).count
            lines.append(
                "    \(remote.name) \(peer.remoteAddress) AS \(remote.asn) \(kind)\(role) \(state), \(received) prefixes received"
            )
        }
        lines.append("  loc-rib:")
        for route in simulation.routes(of: index) {
            let a = route.attributes
            var text = "    \(route.prefix) via \(a.nextHop)"
            text += route.learnedFrom.map { " from \(bgp.topology.speakers[$0].name)" } ?? " (local, blackhole)"
            text += " as-path [\(a.asPath.map(String.init).joined(separator: " "))] local-pref \(a.localPreference)"
            if let originator = a.originatorID { text += " originator \(originator)" }
            if !a.clusterList.isEmpty {
                text += " cluster-list [\(a.clusterList.map { "\($0)" }.joined(separator: " "))]"
            }
            lines.append(text)
        }
        return lines
    }
}
