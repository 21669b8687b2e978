import Dataplane
import KubeModel
import KubeProxy
import NetCore
import Netfilter
import Routing

extension ClusterBuilder {
    /// An external host: a netns with `eth0` on its segment and an optional default route.
    mutating func addHost(_ host: HostSpec) throws(TopologyError) {
        guard let segmentSpec = spec.segments.first(where: { $0.name == host.segment }) else { return }
        do {
            let netns = try network.addNamespace(name: host.name, role: .host(name: host.name))
            hosts[host.name] = netns
            let nic = try network.addDevice(
                in: netns, name: "eth0", kind: .ethernet(segment: segments[host.segment]),
                mac: .derived(from: "\(host.name)/eth0"), mtu: segmentSpec.mtu)
            try network.addAddress(IPv4Prefix(address: host.address, length: segmentSpec.cidr.length), to: nic)
            if let gateway = host.gateway {
                try network.addRoute(Route(destination: .defaultRoute, gateway: gateway, device: "eth0"), in: netns)
            }
            for listener in host.listeners {
                network.addListener(
                    Listener(proto: listener.proto, port: listener.port, name: listener.name), in: netns)
            }
        } catch {
            throw kernelError(host.line, host.fieldPath, error)
        }
    }

    /// Each node's iptables ruleset: kube-proxy's start-up jumps and its sync payload for the topology's
    /// Services (endpoints from explicit slices or from the topology's pods), then flannel's `--ip-masq`
    /// rules on flannel nodes. Applied as `iptables-restore --noflush` would.
    mutating func addNetfilter() throws(TopologyError) {
        var manifest = Manifest()
        if let kubernetes = spec.kubernetes {
            do { manifest = try ManifestLoader.load(paths: kubernetes.manifests) } catch { throw error }
        }
        manifest.pods += pods.map { pod in
            Pod(
                namespace: pod.namespace, name: pod.name, labels: pod.labels, nodeName: pod.node, ip: pod.ip,
                ports: pod.containerPorts.map { ContainerPort(name: $0.name, port: $0.port, proto: $0.proto) })
        }
        services = manifest.services
        endpointSlices = EndpointSliceController.reconcile(manifest)
        let proxied = spec.kubernetes.map { $0.proxyMode == .iptables } ?? false
        let flannelMasq = spec.cni.plugin == .flannel
        guard proxied || flannelMasq else { return }
        for node in spec.nodes {
            guard let netns = nodes[node.name] else { continue }
            var ruleset = Ruleset()
            do {
                if proxied {
                    let payload = IptablesCompiler(config: proxyConfig(for: node)).compile(
                        services: services, slices: endpointSlices)
                    ruleset = try KubeProxyJumpRules.ruleset(applying: payload.text)
                }
                if flannelMasq, let clusterNetwork = spec.cni.network {
                    let script = try IptablesParser.parse(
                        Self.flannelMasqRules(network: clusterNetwork, lease: node.podCIDR))
                    ruleset = ruleset.restoring(script, noflush: true)
                }
            } catch {
                throw kernelError(spec.kubernetes?.line ?? node.line, "kubernetes", error)
            }
            network.setRuleset(ruleset, in: netns)
        }
    }

    /// The proxier settings of one node (kube-proxy defaults: localhost node ports on, random-fully
    /// supported by the node's iptables, no nfacct counters, the ClusterCIDR local-traffic detector).
    func proxyConfig(for node: NodeSpec) -> ProxyConfig {
        var interfaces: [String: [IPv4Prefix]] = ["lo": [IPv4Prefix(address: IPv4Address(127, 0, 0, 1), length: 8)]]
        if let netns = nodes[node.name] {
            for id in network.namespace(netns).devices where !network.device(id).addresses.isEmpty {
                interfaces[network.device(id).name] = network.device(id).addresses
            }
        }
        return ProxyConfig(
            nodeName: node.name, nodeIPs: [node.address], localDetector: .clusterCIDR(clusterCIDR),
            masqueradeAll: spec.kubernetes?.masqueradeAll ?? false, localhostNodePorts: true,
            iptablesHasRandomFully: true,
            networkInterfaces: interfaces, tracerNodeIPs: [node.address])
    }

    /// The cluster CIDR: explicit, else flannel's network or Calico's pool, else the smallest prefix that
    /// holds every node's podCIDR.
    var clusterCIDR: IPv4Prefix {
        if let cidr = spec.kubernetes?.clusterCIDR ?? spec.cni.network ?? spec.cni.ipPool { return cidr }
        guard var cover = spec.nodes.first?.podCIDR else { return .defaultRoute }
        for node in spec.nodes {
            while !cover.contains(node.podCIDR.address) || cover.length > node.podCIDR.length {
                cover = IPv4Prefix(address: cover.address, length: cover.length - 1).masked
            }
        }
        return cover
    }

    /// flanneld's `--ip-masq` rules for a node's lease (reference §8.1).
    static func flannelMasqRules(network: IPv4Prefix, lease: IPv4Prefix) -> String {
        let comment = "-m comment --comment \"flanneld masq\""
        return """
            *nat
            :POSTROUTING ACCEPT [0:0]
            :FLANNEL-POSTRTG - [0:0]
            -A POSTROUTING \(comment) -j FLANNEL-POSTRTG
            -A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 \(comment) -j RETURN
            -A FLANNEL-POSTRTG -s \(lease) -d \(network) \(comment) -j RETURN
            -A FLANNEL-POSTRTG -s \(network) -d \(lease) \(comment) -j RETURN
            -A FLANNEL-POSTRTG ! -s \(network) -d \(lease) \(comment) -j RETURN
            -A FLANNEL-POSTRTG -s \(network) ! -d 224.0.0.0/4 \(comment) -j MASQUERADE --random-fully
            -A FLANNEL-POSTRTG ! -s \(network) -d \(network) \(comment) -j MASQUERADE --random-fully
            COMMIT
            *filter
            :FORWARD ACCEPT [0:0]
            :FLANNEL-FWD - [0:0]
            -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
            -A FLANNEL-FWD -s \(network) -m comment --comment "flanneld forward" -j ACCEPT
            -A FLANNEL-FWD -d \(network) -m comment --comment "flanneld forward" -j ACCEPT
            COMMIT

            """
    }
}
