import Dataplane
import NetCore
import Netfilter
import Routing
import Scenario

/// What `kdp lab up` programs, as plain values: the emulator's wired `Network` replayed step by step.
///
/// Pure (no kernel access): the same plan drives the libnl applier and prints as the equivalent iproute2
/// script (`kdp lab script`), which the benchmark runs for comparison. Underlay segments, which the emulator
/// models as ideal switches, become a Linux bridge `br0` in a namespace of their own with one veth per
/// attached NIC; the NIC end keeps the emulator's name, MAC and addresses.
public struct LabPlan: Sendable {
    public var lab: String
    /// Every namespace, in creation order, with its sysctls.
    public var namespaces: [PlannedNamespace] = []
    /// Link, address, route, neighbour and FDB operations, in an order the kernel accepts.
    public var steps: [LabStep] = []
    /// How many leading steps create and wire devices (links, up, master, hairpin); the rest only add
    /// addresses, routes, neighbours and FDB entries to devices that exist.
    public private(set) var deviceSteps = 0
    /// iptables-restore input per node namespace (kernel name → text).
    public var rulesets: [(netns: String, text: String)] = []
    /// BIRD daemons (BGP topologies): speaker name, kernel namespace, configuration text.
    public var birds: [(speaker: String, netns: String, config: String)] = []
    /// The emulator's routes that BIRD installs in the lab (compared after convergence instead of programmed).
    public var bgpRoutes: [(netns: String, route: Route)] = []
    /// The interface index each created link asks for, per kernel namespace (`lo` is 1 in every one). Emulator
    /// devices keep the emulator's index, so `ip link` in the lab prints what `kdp show` prints and the
    /// applier never has to ask the kernel which index a name got.
    public private(set) var ifindexes: [String: [String: Int32]] = [:]

    /// The kernel name of an emulator namespace (`LAB-node-a`).
    public static func kernelName(lab: String, _ emulatorName: String) -> String { "\(lab)-\(emulatorName)" }

    /// The kernel name of an underlay segment's switch namespace (`LAB-seg-lan0`).
    public static func segmentName(lab: String, _ segment: String) -> String { "\(lab)-seg-\(segment)" }

    /// Plans the cluster; BIRD configurations get fast connect timers (the lab waits for convergence).
    public init(lab: String, cluster: Cluster) throws(LabError) {
        self.lab = lab
        let network = cluster.dataplane.network
        let kernelName = { (id: NetnsID) in Self.kernelName(lab: lab, network.namespace(id).name) }
        for netns in network.namespaces {
            guard netns.routing.rules == RoutingPolicy().rules else {
                throw .unsupported("\(netns.name): ip rules other than the defaults are not programmed by the lab")
            }
            let sysctls =
                Self.noIPv6 + [
                    ("net.ipv4.conf.all.rp_filter", "0"), ("net.ipv4.conf.default.rp_filter", "0"),
                    ("net.ipv4.ip_forward", netns.ipForward ? "1" : "0"),
                    ("net.bridge.bridge-nf-call-iptables", netns.bridgeCallsIPTables ? "1" : "0"),
                ]
            namespaces.append(PlannedNamespace(name: kernelName(netns.id), sysctls: sysctls))
        }
        for segment in network.segments {
            namespaces.append(
                PlannedNamespace(
                    name: Self.segmentName(lab: lab, segment.name),
                    sysctls: Self.noIPv6 + [("net.ipv4.ip_forward", "0"), ("net.bridge.bridge-nf-call-iptables", "0")]))
        }
        let names = namespaces.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw .unsupported("two lab namespaces would be called \(duplicate); rename the segment or node")
        }
        planLinks(network, kernelName)
        deviceSteps = steps.count
        for netns in network.namespaces {
            let name = kernelName(netns.id)
            for id in netns.devices {
                let device = network.device(id)
                for address in device.addresses where device.kind != .loopback {
                    steps.append(.address(netns: name, device: device.name, address))
                }
            }
        }
        let birdRun = cluster.bgp != nil
        for netns in network.namespaces {
            let name = kernelName(netns.id)
            for entry in netns.permanentNeighbors {
                if let mac = entry.mac {
                    steps.append(.neighbor(netns: name, device: entry.device, address: entry.address, mac: mac))
                }
            }
            for id in netns.devices {
                if case .vxlan(let config) = network.device(id).kind {
                    for (mac, remote) in config.fdb.sorted(by: { $0.key < $1.key }) {
                        steps.append(.fdb(netns: name, device: network.device(id).name, mac: mac, remote: remote))
                    }
                }
            }
            for table in netns.routing.tables.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                for route in netns.routing.routes(in: table) where route.proto != .kernel {
                    if birdRun && route.proto == .bird {
                        bgpRoutes.append((name, route))
                    } else {
                        steps.append(.route(netns: name, route))
                    }
                }
            }
            if let ruleset = netns.ruleset?.ruleset, !ruleset.tables.isEmpty {
                rulesets.append((name, SavePrinter().print(ruleset)))
            }
        }
        if let bgp = cluster.bgp {
            for speaker in bgp.topology.speakers {
                guard let netns = network.namespace(named: speaker.name),
                    let config = BIRDConfig.render(cluster: cluster, speaker: speaker.name, fastConnect: true)
                else { continue }
                birds.append((speaker.name, kernelName(netns.id), config))
            }
        }
    }

    /// Devices: bridges first (ports name them as master), then veth pairs from the end that has a master,
    /// segment NICs as veths into the segment's switch, VXLAN devices once their underlay exists, then
    /// `up` for ends created down and per-port settings.
    private mutating func planLinks(_ network: Network, _ kernelName: (NetnsID) -> String) {
        func end(_ device: Device) -> LinkEnd {
            LinkEnd(
                netns: kernelName(device.netns), name: device.name, index: Int32(device.ifindex), mac: device.mac,
                mtu: device.mtu)
        }
        for device in network.devices where device.kind == .bridge {
            addLink(.bridge(end(device)))
        }
        for segment in network.segments {
            let switchName = Self.segmentName(lab: lab, segment.name)
            addLink(
                .bridge(
                    LinkEnd(
                        netns: switchName, name: "br0", index: 2, mac: .derived(from: "\(lab)/\(segment.name)/br0"),
                        mtu: 1500)))
            for (index, id) in segment.devices.enumerated() {
                let nic = network.device(id)
                let port = LinkEnd(
                    netns: switchName, name: "p\(index)", index: Int32(3 + index),
                    mac: .derived(from: "\(lab)/\(segment.name)/p\(index)"), mtu: nic.mtu)
                addLink(.veth(port, master: "br0", peer: end(nic)))
                if nic.isUp {
                    steps.append(.up(netns: kernelName(nic.netns), device: nic.name, proxyARP: nic.proxyARP))
                }
            }
        }
        for device in network.devices {
            guard case .veth(let peerID) = device.kind, device.id < peerID else { continue }
            let peer = network.device(peerID)
            // Create from the end enslaved to a bridge (the master must be in the creating namespace).
            let (local, remote) = peer.master != nil && device.master == nil ? (peer, device) : (device, peer)
            addLink(.veth(end(local), master: local.master.map { network.device($0).name }, peer: end(remote)))
            if remote.isUp {
                steps.append(.up(netns: kernelName(remote.netns), device: remote.name, proxyARP: remote.proxyARP))
            }
            if local.proxyARP { steps.append(.up(netns: kernelName(local.netns), device: local.name, proxyARP: true)) }
            if remote.master != nil {
                steps.append(
                    .enslave(
                        netns: kernelName(remote.netns), device: remote.name,
                        master: network.device(remote.master!).name))
            }
        }
        for device in network.devices {
            guard case .vxlan(let config) = device.kind else { continue }
            addLink(
                .vxlan(end(device), vni: config.vni, local: config.local, underlay: config.underlay, port: config.port))
        }
        for device in network.devices where device.hairpin {
            steps.append(.hairpin(netns: kernelName(device.netns), device: device.name))
        }
    }

    /// Appends a link-creating step and notes the indexes it asks for.
    private mutating func addLink(_ step: LabStep) {
        for link in step.createdLinks { ifindexes[link.netns, default: ["lo": 1]][link.name] = link.index }
        steps.append(step)
    }

    /// The emulator is IPv4 only: IPv6 off before any device exists, so links come up without addrconf,
    /// DAD and MLD traffic the emulator would not show (and faster).
    static let noIPv6: [(key: String, value: String)] = [
        ("net.ipv6.conf.all.disable_ipv6", "1"), ("net.ipv6.conf.default.disable_ipv6", "1"),
    ]

    /// Every kernel namespace the lab creates.
    public var namespaceNames: [String] { namespaces.map(\.name) }

    /// The plan as a shell script of iproute2 commands: what `kdp lab up` does, one exec per operation.
    public func script(iptables: IptablesBackend = .nft) -> String {
        shell(networkCommands + rulesCommands(iptables))
    }

    /// The script's first part: namespaces, links, addresses, routes, neighbours and FDB entries.
    public func networkScript() -> String { shell(networkCommands) }

    /// The script's second part: one `iptables-*-restore` per node namespace.
    public func rulesScript(iptables: IptablesBackend = .nft) -> String { shell(rulesCommands(iptables)) }

    private var networkCommands: [String] {
        var lines: [String] = []
        for namespace in namespaces {
            lines.append("ip netns add \(namespace.name)")
            lines.append("ip -n \(namespace.name) link set lo up")
            let sysctls = namespace.sysctls.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("ip netns exec \(namespace.name) sysctl -q -w \(sysctls)")
        }
        return lines + steps.flatMap(\.iproute2)
    }

    private func rulesCommands(_ iptables: IptablesBackend) -> [String] {
        rulesets.flatMap { ruleset in
            [
                "ip netns exec \(ruleset.netns) \(iptables.restore) <<'EOF'",
                ruleset.text.hasSuffix("\n") ? String(ruleset.text.dropLast()) : ruleset.text, "EOF",
            ]
        }
    }

    private func shell(_ commands: [String]) -> String {
        (["#!/bin/sh", "# kdp lab \(lab): the iproute2 equivalent of `kdp lab up`", "set -e"] + commands)
            .joined(separator: "\n") + "\n"
    }
}

/// A lab namespace and the sysctls written in it before any device exists.
public struct PlannedNamespace: Sendable {
    public var name: String
    public var sysctls: [(key: String, value: String)]
}

/// One end of a created link: where it lives, its name and index there, MAC and MTU.
public struct LinkEnd: Sendable, Equatable {
    public var netns: String
    public var name: String
    public var index: Int32
    public var mac: MACAddress
    public var mtu: Int

    /// `NAME index N address MAC mtu N`, as `ip link add` takes it.
    var iproute2: String { "\(name) index \(index) address \(mac) mtu \(mtu)" }
}

/// One kernel operation of a plan.
public enum LabStep: Sendable {
    case bridge(LinkEnd)
    /// Created from the first end (enslaved to `master` there); the peer is moved into its namespace.
    case veth(LinkEnd, master: String?, peer: LinkEnd)
    case vxlan(LinkEnd, vni: UInt32, local: IPv4Address, underlay: String, port: UInt16)
    case up(netns: String, device: String, proxyARP: Bool)
    case enslave(netns: String, device: String, master: String)
    case hairpin(netns: String, device: String)
    case address(netns: String, device: String, IPv4Prefix)
    case route(netns: String, Route)
    case neighbor(netns: String, device: String, address: IPv4Address, mac: MACAddress)
    case fdb(netns: String, device: String, mac: MACAddress, remote: IPv4Address)

    /// The links this step creates (both ends of a veth pair).
    var createdLinks: [LinkEnd] {
        switch self {
        case .bridge(let link), .vxlan(let link, _, _, _, _): [link]
        case .veth(let link, _, let peer): [link, peer]
        default: []
        }
    }

    /// The iproute2 commands doing the same.
    public var iproute2: [String] {
        switch self {
        case .bridge(let link):
            return ["ip -n \(link.netns) link add \(link.iproute2) up type bridge"]
        case .veth(let link, let master, let peer):
            return [
                "ip -n \(link.netns) link add \(link.iproute2)\(master.map { " master \($0)" } ?? "") up"
                    + " type veth peer name \(peer.iproute2) netns \(peer.netns)"
            ]
        case .vxlan(let link, let vni, let local, let underlay, let port):
            return [
                "ip -n \(link.netns) link add \(link.iproute2) up type vxlan id \(vni) local \(local)"
                    + " dev \(underlay) dstport \(port) nolearning"
            ]
        case .up(let netns, let device, let proxyARP):
            return ["ip -n \(netns) link set \(device) up"]
                + (proxyARP
                    ? [
                        "ip netns exec \(netns) sysctl -q -w net.ipv4.conf.\(device).proxy_arp=1"
                            + " net.ipv4.neigh.\(device).proxy_delay=0"
                    ] : [])
        case .enslave(let netns, let device, let master):
            return ["ip -n \(netns) link set \(device) master \(master)"]
        case .hairpin(let netns, let device):
            return ["bridge -n \(netns) link set dev \(device) hairpin on"]
        case .address(let netns, let device, let prefix):
            return ["ip -n \(netns) addr add \(prefix) dev \(device)"]
        case .route(let netns, let route):
            let table = route.table == .main ? "" : " table \(route.table)"
            return ["ip -n \(netns) route replace \(route)\(table)"]
        case .neighbor(let netns, let device, let address, let mac):
            return ["ip -n \(netns) neigh replace \(address) lladdr \(mac) dev \(device) nud permanent"]
        case .fdb(let netns, let device, let mac, let remote):
            return ["bridge -n \(netns) fdb replace \(mac) dev \(device) dst \(remote) self permanent"]
        }
    }
}
