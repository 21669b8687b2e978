import Routing
import Testing

@testable import Lab
@testable import Scenario

/// The lab plan is pure: the emulator's network as an ordered list of kernel operations.
@Suite struct LabPlanTests {
    static let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    static func plan(_ topology: String, lab: String = "t") throws -> (LabPlan, Cluster) {
        let cluster = try Cluster.load(path: "/\(root)/topologies/\(topology).yaml")
        return (try LabPlan(lab: lab, cluster: cluster), cluster)
    }

    @Test func everyNamespaceAndSegmentIsPlannedWithTheLabPrefix() throws {
        let (plan, cluster) = try Self.plan("flannel-vxlan")
        let expected = cluster.dataplane.network.namespaces.map { "t-\($0.name)" } + ["t-seg-lan0"]
        #expect(plan.namespaceNames == expected)
        let nodeA = try #require(plan.namespaces.first { $0.name == "t-node-a" })
        #expect(nodeA.sysctls.contains { $0 == ("net.ipv4.ip_forward", "1") })
        let pod = try #require(plan.namespaces.first { $0.name == "t-pod-default-client" })
        #expect(pod.sysctls.contains { $0 == ("net.ipv4.ip_forward", "0") })
    }

    @Test func flannelVXLANScriptSaysWhatTheKernelGets() throws {
        let (plan, _) = try Self.plan("flannel-vxlan")
        let script = plan.script()
        #expect(script.contains("ip -n t-node-a link add flannel.1 "))
        #expect(script.contains("type vxlan id 1 local 192.168.1.10 dev eth0 dstport 8472 nolearning"))
        #expect(script.contains("ip -n t-node-a route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"))
        #expect(
            script.contains("bridge -n t-node-a fdb replace ") && script.contains("dst 192.168.1.11 self permanent"))
        #expect(script.contains("ip netns exec t-node-a iptables-nft-restore <<'EOF'"))
        #expect(script.contains(" master br0 up type veth peer name eth0 ") && script.contains(" netns t-node-a"))
        // Bridges exist before their ports, VXLAN after its underlay NIC.
        let lines = script.split(separator: "\n").map(String.init)
        let cni0 = try #require(lines.firstIndex { $0.contains("t-node-a link add cni0") })
        let firstPort = try #require(lines.firstIndex { $0.contains("t-node-a link add veth") })
        let eth0 = try #require(lines.firstIndex { $0.contains("peer name eth0") && $0.hasSuffix("netns t-node-a") })
        let vxlan = try #require(lines.firstIndex { $0.contains("t-node-a link add flannel.1") })
        #expect(cni0 < firstPort && eth0 < vxlan)
        #expect(plan.rulesets.count == 3 && plan.birds.isEmpty && plan.bgpRoutes.isEmpty)
    }

    @Test func linksAskForTheEmulatorsInterfaceIndexes() throws {
        let (plan, cluster) = try Self.plan("flannel-vxlan")
        let network = cluster.dataplane.network
        for netns in network.namespaces {
            let kernel = try #require(plan.ifindexes["t-\(netns.name)"])
            for device in netns.devices.map(network.device) {
                #expect(kernel[device.name] == Int32(device.ifindex), "\(netns.name) \(device.name)")
            }
            #expect(Set(kernel.values).count == kernel.count)
        }
        // The segment switch: br0 then one port per attached NIC, in attachment order.
        let segment = try #require(network.segments.first)
        var ports: [String: Int32] = ["lo": 1, "br0": 2]
        for index in segment.devices.indices { ports["p\(index)"] = Int32(3 + index) }
        #expect(plan.ifindexes["t-seg-\(segment.name)"] == ports)
        #expect(plan.script().contains("ip -n t-node-a link add flannel.1 index "))
        // Devices are all created and wired before any address, route, neighbour or FDB entry is written.
        func touchesDevices(_ step: LabStep) -> Bool {
            switch step {
            case .address, .route, .neighbor, .fdb: false
            default: true
            }
        }
        #expect(plan.deviceSteps > 0 && plan.deviceSteps < plan.steps.count)
        #expect(plan.steps[..<plan.deviceSteps].allSatisfy(touchesDevices))
        #expect(!plan.steps[plan.deviceSteps...].contains(where: touchesDevices))
    }

    @Test func theScriptSplitsIntoNetworkAndRules() throws {
        let (plan, _) = try Self.plan("flannel-vxlan")
        let network = plan.networkScript()
        let rules = plan.rulesScript(iptables: .legacy)
        #expect(!network.contains("-restore") && network.contains("ip netns add t-node-a"))
        #expect(rules.contains("ip netns exec t-node-a iptables-legacy-restore <<'EOF'") && !rules.contains("link add"))
        let rulesBody = rules.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3)
        #expect(plan.script(iptables: .legacy) == network + rulesBody.joined(separator: "\n"))
    }

    @Test func bgpRoutesAreLeftToBIRDAndComparedAfterwards() throws {
        let (plan, _) = try Self.plan("calico-bgp")
        #expect(plan.birds.map(\.speaker) == ["node-a", "node-b", "node-c"])
        #expect(plan.birds.allSatisfy { $0.config.contains("connect delay time 1;") })
        #expect(!plan.steps.contains { if case .route(_, let route) = $0 { route.proto == .bird } else { false } })
        let nodeA = plan.bgpRoutes.filter { $0.netns == "t-node-a" }.map(\.route.description)
        #expect(nodeA.contains("blackhole 10.244.1.0/26 proto bird metric 32"))
        #expect(nodeA.contains("10.244.2.0/26 via 192.168.1.11 dev eth0 proto bird metric 32"))
        // cali interfaces: proxy ARP (and proxy_delay 0, as felix sets it).
        #expect(plan.script().contains("proxy_arp=1 net.ipv4.neigh.cali"))
    }

    @Test func ledgerNamesAreChecked() {
        #expect(throws: LabError.self) { try Ledger.validate(name: "Bad") }
        #expect(throws: LabError.self) { try Ledger.validate(name: "a-very-long-lab-name-beyond-24") }
        #expect(throws: LabError.self) { try Ledger.validate(name: "9lab") }
        #expect(throws: Never.self) { try Ledger.validate(name: "kdp-flannel-vxlan") }
    }
}
