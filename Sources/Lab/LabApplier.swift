import Glibc
import NetCore
import Routing

/// Carries out a `LabPlan` against the kernel: namespaces in-process, links/addresses/routes/neighbours/FDB
/// through one libnl socket per namespace, rule sets through `ip netns exec NS iptables-*-restore`, BIRD
/// through `ip netns exec NS bird`. Each object is written to the ledger before it is created.
struct LabApplier {
    let plan: LabPlan
    let ledger: LedgerWriter
    let iptables: IptablesBackend
    private var sockets: [String: NetlinkSocket] = [:]
    private(set) var linkCount = 0

    init(plan: LabPlan, ledger: LedgerWriter, iptables: IptablesBackend) {
        self.plan = plan
        self.ledger = ledger
        self.iptables = iptables
    }

    mutating func apply(progress: (String) -> Void) throws(LabError) {
        for namespace in plan.namespaces {
            try ledger.record("netns", namespace.name)
            try KernelNamespace.add(namespace.name)
            let socket = try NetlinkSocket(netns: namespace.name, sysctls: namespace.sysctls)
            try socket.setUp("lo")
            sockets[namespace.name] = socket
        }
        progress("created \(plan.namespaces.count) namespaces")
        var fds: [String: Int32] = [:]
        defer { for fd in fds.values { close(fd) } }
        for step in plan.steps {
            if case .veth(_, _, _, _, _, let peerNetns, _, _) = step, fds[peerNetns] == nil {
                fds[peerNetns] = try KernelNamespace.openFD(peerNetns)
            }
            try apply(step, fds: fds)
        }
        progress("programmed \(linkCount) links and \(plan.steps.count) operations")
        // One restore per node, all at once: each spends most of its time waiting for the kernel's commit.
        let restores = try plan.rulesets.map { ruleset throws(LabError) in
            try Subprocess.start(["ip", "netns", "exec", ruleset.netns, iptables.restore], input: ruleset.text)
        }
        let results = restores.map { ($0, $0.finish()) }  // every child reaped before any failure is reported
        if let (restore, result) = results.first(where: { $0.1.status != 0 }) {
            throw .command(restore.arguments.joined(separator: " "), status: result.status, output: result.output)
        }
        if !plan.rulesets.isEmpty { progress("loaded \(plan.rulesets.count) rule sets with \(iptables.restore)") }
        for bird in plan.birds { try start(bird) }
    }

    private func socket(_ netns: String) -> NetlinkSocket { sockets[netns]! }

    private func index(_ device: String, in netns: String) throws(LabError) -> Int32 {
        guard let index = socket(netns).ifindex(device) else {
            throw .netlink(operation: "ip link show \(device)", netns: netns, message: "no such device")
        }
        return index
    }

    private mutating func apply(_ step: LabStep, fds: [String: Int32]) throws(LabError) {
        switch step {
        case .bridge(let netns, let name, let mac, let mtu):
            try ledger.record("link", netns, name)
            try socket(netns).addBridge(name, mac: mac, mtu: mtu)
            linkCount += 1
        case .veth(let netns, let name, let mac, let mtu, let master, let peerNetns, let peer, let peerMAC):
            let masterIndex: Int32? =
                if let master { try index(master, in: netns) } else { nil }
            try ledger.record("link", netns, name)
            try ledger.record("link", peerNetns, peer)
            try socket(netns).addVeth(
                name, mac: mac, mtu: mtu, master: masterIndex, peer: peer, peerMAC: peerMAC,
                peerNamespaceFD: fds[peerNetns]!)
            linkCount += 2
        case .vxlan(let netns, let name, let mac, let mtu, let vni, let local, let underlay, let port):
            let underlayIndex = try index(underlay, in: netns)
            try ledger.record("link", netns, name)
            try socket(netns).addVXLAN(
                name, mac: mac, mtu: mtu, vni: vni, local: local, underlay: underlayIndex, port: port)
            linkCount += 1
        case .up(let netns, let device, let proxyARP):
            try socket(netns).setUp(device, proxyARP: proxyARP)
        case .enslave(let netns, let device, let master):
            try socket(netns).setMaster(device, master: try index(master, in: netns))
        case .hairpin(let netns, let device):
            try socket(netns).setHairpin(device)
        case .address(let netns, let device, let prefix):
            try socket(netns).addAddress(prefix, device: try index(device, in: netns))
        case .route(let netns, let route):
            try socket(netns).replaceRoute(try kernelRoute(route, in: netns))
        case .neighbor(let netns, let device, let address, let mac):
            try socket(netns).replaceNeighbor(address, mac: mac, device: try index(device, in: netns))
        case .fdb(let netns, let device, let mac, let remote):
            try socket(netns).replaceFDB(mac, remote: remote, device: try index(device, in: netns))
        }
    }

    private func kernelRoute(_ route: Route, in netns: String) throws(LabError) -> KernelRoute {
        KernelRoute(
            destination: route.destination, type: RouteNumbers.number(route.type), table: route.table.rawValue,
            proto: RouteNumbers.number(route.proto), scope: RouteNumbers.number(route.scope), metric: route.metric,
            source: route.source, device: try route.device.map { name throws(LabError) in try index(name, in: netns) },
            gateway: route.gateway, onlink: route.onlink, text: route.description)
    }

    /// Equivalent to: `ip netns exec NS bird -c DIR/NAME.conf -s DIR/NAME.ctl -P DIR/NAME.pid` (BIRD
    /// daemonizes; its pid file names it in the ledger).
    private func start(_ bird: (speaker: String, netns: String, config: String)) throws(LabError) {
        let base = "\(Ledger.directory(plan.lab))/\(bird.speaker)"
        try writeFile("\(base).conf", "log \"\(base).log\" all;\n" + bird.config)
        try Subprocess.check(
            [
                "ip", "netns", "exec", bird.netns, "bird", "-c", "\(base).conf", "-s", "\(base).ctl", "-P",
                "\(base).pid",
            ], logFile: "\(base).out")
        var pid: Int32?
        for _ in 0..<200 {
            if let text = readFile("\(base).pid"), let value = Int32(text.split(separator: "\n").first ?? "") {
                pid = value
                break
            }
            usleep(10_000)
        }
        guard let pid else { throw .timeout("bird for \(bird.speaker) wrote no pid file \(base).pid within 2 s") }
        try ledger.record("process", String(pid), "bird-\(bird.speaker)")
    }

    /// Polls every BGP speaker's kernel table until the routes the emulator's BGP model installed are all
    /// there (`proto bird`, same destination and type). Returns the seconds it took.
    func waitForBGP(timeout: Double) throws(LabError) -> Double {
        let start = monotonicSeconds()
        var pending = plan.bgpRoutes
        while true {
            var still: [(netns: String, route: Route)] = []
            let byNamespace = Dictionary(grouping: pending.indices, by: { pending[$0].netns })
            for (netns, indices) in byNamespace {
                let installed = try KernelReader(socket: socket(netns)).routes()
                for index in indices {
                    let expected = pending[index].route
                    if !installed.contains(where: {
                        $0.destination == expected.destination && $0.type == expected.type && $0.proto == .bird
                    }) {
                        still.append(pending[index])
                    }
                }
            }
            pending = still
            if pending.isEmpty { return monotonicSeconds() - start }
            if monotonicSeconds() - start > timeout {
                let missing = pending.prefix(5).map { "\($0.netns): \($0.route)" }.joined(separator: "; ")
                throw .timeout(
                    "BGP did not converge within \(Int(timeout)) s; still missing \(pending.count) routes: \(missing)")
            }
            usleep(50_000)
        }
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
