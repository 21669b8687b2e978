import Glibc
import NetCore
import Routing
import Synchronization

/// Carries out a `LabPlan` against the kernel: namespaces in-process on two threads, links/addresses/routes/
/// neighbours/FDB through one libnl socket per namespace (interface indexes fixed by the plan, so nothing is
/// looked up), rule sets through `iptables-*-restore` started inside each node namespace, BIRD through
/// `ip netns exec NS bird`. Each object is written to the ledger before it is created.
struct LabApplier {
    let plan: LabPlan
    let ledger: LedgerWriter
    let iptables: IptablesBackend
    private var sockets: [String: NetlinkSocket] = [:]
    /// Per namespace, how far the kernel's first free interface index is past the plan's (0 unless the
    /// kernel puts tunnel devices into every new namespace).
    private var indexOffsets: [String: Int32] = [:]
    private(set) var linkCount = 0

    init(plan: LabPlan, ledger: LedgerWriter, iptables: IptablesBackend) {
        self.plan = plan
        self.ledger = ledger
        self.iptables = iptables
    }

    /// What a namespace thread leaves behind: the namespace's socket, its index offset, and the rule-set
    /// restore it started (legacy backend).
    private struct Prepared: Sendable {
        var socket: NetlinkSocket
        var offset: Int32
        var restore: Subprocess.Running?
    }

    /// Seconds from the start of `apply` until every netlink operation was done.
    private(set) var networkSeconds = 0.0

    /// Namespaces, then devices, then addresses/routes/neighbours/FDB, with the rule sets loading alongside:
    ///
    /// - legacy restores start inside the namespace threads, as soon as their node namespace exists;
    /// - nft restores start once every device exists: a device registered in a namespace whose
    ///   iptables-nft-restore is closing its sockets waits out the restore's RCU grace period (nf_tables'
    ///   device notifier takes the mutex the restore holds then), which stalled link creation by 7–16 ms.
    mutating func apply(progress: (String) -> Void) throws(LabError) {
        let began = monotonicSeconds()
        for namespace in plan.namespaces { try ledger.record("netns", namespace.name) }
        var restores: [Subprocess.Running] = []
        var failure: LabError?
        do {
            restores = try prepareNamespaces(startingRestores: iptables == .legacy)
            progress("created \(plan.namespaces.count) namespaces")
            var fds: [String: Int32] = [:]
            defer { for fd in fds.values { close(fd) } }
            for step in plan.steps[..<plan.deviceSteps] { try apply(step, fds: &fds) }
            progress("created and wired \(linkCount) links")
            if restores.isEmpty {
                for ruleset in plan.rulesets { restores.append(try startRestore(ruleset)) }
            }
            for step in plan.steps[plan.deviceSteps...] { try apply(step, fds: &fds) }
            networkSeconds = monotonicSeconds() - began
            progress("programmed \(plan.steps.count) operations; \(restores.count) rule-set restores running")
        } catch {
            failure = error
        }
        let results = restores.map { ($0, $0.finish()) }  // every child reaped before any failure is reported
        if let failure { throw failure }
        if let (restore, result) = results.first(where: { $0.1.status != 0 }) {
            throw .command(
                "ip netns exec \(restore.netns ?? "?") \(restore.arguments.joined(separator: " "))",
                status: result.status, output: result.output)
        }
        if !plan.rulesets.isEmpty { progress("loaded \(plan.rulesets.count) rule sets with \(iptables.restore)") }
        for bird in plan.birds { try start(bird) }
    }

    /// Creates every namespace on two threads; inside each, writes its sysctls, connects its netlink socket,
    /// notes its index offset, brings `lo` up and (`startingRestores`) starts its rule-set restore. Returns
    /// the started restores; on failure, reaps them before rethrowing.
    private mutating func prepareNamespaces(startingRestores: Bool) throws(LabError) -> [Subprocess.Running] {
        let prepared = Mutex<[String: Prepared]>([:])
        let namespaces = plan.namespaces
        let rules = startingRestores ? Dictionary(plan.rulesets.map { ($0.netns, $0.text) }) { first, _ in first } : [:]
        let restore = restoreCommand
        do {
            try KernelNamespace.add(namespaces.map(\.name), threads: 2) { index throws(LabError) in
                let namespace = namespaces[index]
                for (key, value) in namespace.sysctls { try Sysctl.write(key, value, netns: namespace.name) }
                let socket = try NetlinkSocket(current: namespace.name)
                var entry = Prepared(socket: socket, offset: try socket.highestIndex() - 1)
                try socket.setUp(1, name: "lo")
                prepared.withLock { $0[namespace.name] = entry }
                if let text = rules[namespace.name] {  // this thread is inside the namespace: so is its child
                    entry.restore = try Subprocess.start(restore, input: text, netns: namespace.name)
                    prepared.withLock { $0[namespace.name] = entry }
                }
            }
        } catch {
            prepared.withLock { for entry in $0.values { _ = entry.restore?.finish() } }
            throw error
        }
        return prepared.withLock { prepared in
            for (name, entry) in prepared {
                sockets[name] = entry.socket
                indexOffsets[name] = entry.offset
            }
            return plan.rulesets.compactMap { prepared[$0.netns]?.restore }
        }
    }

    /// `iptables-*-restore`; legacy restores wait for the machine-wide xtables lock (`-w`), since they run
    /// at once.
    private var restoreCommand: [String] { [iptables.restore] + (iptables == .legacy ? ["-w"] : []) }

    /// Equivalent to: `ip netns exec NS iptables-*-restore < RULES`, started from a thread inside the
    /// namespace (a child stays in the namespace it was forked in; iptables needs no other namespace).
    private func startRestore(_ ruleset: (netns: String, text: String)) throws(LabError) -> Subprocess.Running {
        let restore = restoreCommand
        return try inNamespace(ruleset.netns) { () throws(LabError) in
            try Subprocess.start(restore, input: ruleset.text, netns: ruleset.netns)
        }
    }

    private func socket(_ netns: String) -> NetlinkSocket { sockets[netns]! }

    /// The kernel index of a planned device.
    private func index(_ device: String, in netns: String) throws(LabError) -> Int32 {
        guard let planned = plan.ifindexes[netns]?[device] else {
            throw .netlink(operation: "ip link show \(device)", netns: netns, message: "not a device of the plan")
        }
        return kernelIndex(planned, in: netns)
    }

    /// A planned index shifted past any device the kernel made in the namespace itself (`lo` stays 1).
    private func kernelIndex(_ planned: Int32, in netns: String) -> Int32 {
        planned == 1 ? 1 : planned + (indexOffsets[netns] ?? 0)
    }

    /// The link as the kernel gets it: its index shifted (`kernelIndex`).
    private func kernelLink(_ end: LinkEnd) -> LinkEnd {
        var link = end
        link.index = kernelIndex(end.index, in: end.netns)
        return link
    }

    private mutating func apply(_ step: LabStep, fds: inout [String: Int32]) throws(LabError) {
        if case .veth(_, _, let peer) = step, fds[peer.netns] == nil {
            fds[peer.netns] = try KernelNamespace.openFD(peer.netns)
        }
        switch step {
        case .bridge(let link):
            try ledger.record("link", link.netns, link.name)
            try socket(link.netns).addBridge(kernelLink(link))
            linkCount += 1
        case .veth(let link, let master, let peer):
            let masterIndex: Int32? =
                if let master { try index(master, in: link.netns) } else { nil }
            try ledger.record("link", link.netns, link.name)
            try ledger.record("link", peer.netns, peer.name)
            try socket(link.netns).addVeth(
                kernelLink(link), master: masterIndex, peer: kernelLink(peer), peerNamespaceFD: fds[peer.netns]!)
            linkCount += 2
        case .vxlan(let link, let vni, let local, let underlay, let port):
            let underlayIndex = try index(underlay, in: link.netns)
            try ledger.record("link", link.netns, link.name)
            try socket(link.netns).addVXLAN(
                kernelLink(link), vni: vni, local: local, underlay: underlayIndex, port: port)
            linkCount += 1
        case .up(let netns, let device, let proxyARP):
            try socket(netns).setUp(try index(device, in: netns), name: device, proxyARP: proxyARP)
        case .enslave(let netns, let device, let master):
            try socket(netns).setMaster(
                try index(device, in: netns), name: device, master: try index(master, in: netns))
        case .hairpin(let netns, let device):
            try socket(netns).setHairpin(try index(device, in: netns), name: device)
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
