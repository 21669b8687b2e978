import KubeModel
import NetCore

extension SyncState {
    /// Everything one service port contributes (reference §5.3), in kube-proxy's order.
    mutating func writeService(_ info: ServicePortInfo) {
        let categories = EndpointCategories(info)
        let service = info.service
        let spn = info.name
        let proto = info.proto
        let port = String(info.port.port)
        let internalLocal = service.internalTrafficPolicy == .local
        let externalLocal = service.externalTrafficPolicy == .local && info.isExternallyAccessible
        let hasEndpoints = categories.hasAny
        let hasInternal = internalLocal ? !categories.local.isEmpty && hasEndpoints : hasEndpoints
        let hasExternal = externalLocal ? !categories.local.isEmpty && hasEndpoints : hasEndpoints
        let internalChain = internalLocal ? info.localChain : info.clusterChain
        let externalPolicyChain = externalLocal ? info.localChain : info.clusterChain
        let usesExternalChain = hasEndpoints && info.isExternallyAccessible
        let usesFirewallChain =
            hasEndpoints && !info.loadBalancerIPs.isEmpty && !service.loadBalancerSourceRanges.isEmpty
        let lbChain = usesFirewallChain ? info.firewallChain : info.externalChain
        let filterTarget = hasEndpoints ? "DROP" : "REJECT"
        let filterComment = hasEndpoints ? "\(spn) has no local endpoints" : "\(spn) has no endpoints"
        let clusterIP = service.clusterIP.map { "\($0)" } ?? ""

        if hasInternal {
            var rule = RuleLine(IptablesCompiler.kubeServices)
            rule.comment("\(spn) cluster IP")
            rule.add("-m", proto, "-p", proto, "-d", clusterIP, "--dport", port, "-j", internalChain)
            nat(IptablesCompiler.kubeServices, rule)
        } else {
            var rule = RuleLine(IptablesCompiler.kubeServices)
            rule.comment(filterComment)
            rule.add("-m", proto, "-p", proto, "-d", clusterIP, "--dport", port, "-j", filterTarget)
            filter(rule)
        }
        for externalIP in service.externalIPs {
            let ip = "\(externalIP)"
            if hasEndpoints {
                var rule = RuleLine(IptablesCompiler.kubeServices)
                rule.comment("\(spn) external IP")
                rule.add("-m", proto, "-p", proto, "-d", ip, "--dport", port, "-j", info.externalChain)
                nat(IptablesCompiler.kubeServices, rule)
            }
            if !hasExternal {
                var rule = RuleLine(IptablesCompiler.kubeExternalServices)
                rule.comment(filterComment)
                rule.add("-m", proto, "-p", proto, "-d", ip, "--dport", port, "-j", filterTarget)
                filter(rule)
            }
        }
        for lbIP in info.loadBalancerIPs {
            let ip = "\(lbIP)"
            if hasEndpoints {
                var rule = RuleLine(IptablesCompiler.kubeServices)
                rule.comment("\(spn) loadbalancer IP")
                rule.add("-m", proto, "-p", proto, "-d", ip, "--dport", port, "-j", lbChain)
                nat(IptablesCompiler.kubeServices, rule)
            }
            if usesFirewallChain {
                var rule = RuleLine(IptablesCompiler.kubeProxyFirewall)
                rule.comment("\(spn) traffic not accepted by \(info.firewallChain)")
                rule.add("-m", proto, "-p", proto, "-d", ip, "--dport", port, "-j", "DROP")
                filter(rule)
            }
        }
        if !hasExternal {
            for lbIP in info.loadBalancerIPs {
                var rule = RuleLine(IptablesCompiler.kubeExternalServices)
                rule.comment(filterComment)
                rule.add("-m", proto, "-p", proto, "-d", "\(lbIP)", "--dport", port, "-j", filterTarget)
                filter(rule)
            }
        }
        if let nodePort = info.port.nodePort {
            writeNodePort(
                info, nodePort: String(nodePort), hasEndpoints: hasEndpoints, hasExternal: hasExternal,
                filterTarget: filterTarget, filterComment: filterComment)
        }
        // kube-proxy keeps a health check node port only for LoadBalancer Services with eTP=Local.
        if let healthCheck = service.healthCheckNodePort, service.type == .loadBalancer,
            service.externalTrafficPolicy == .local
        {
            var rule = RuleLine(IptablesCompiler.kubeNodePorts)
            rule.comment("\(spn) health check node port")
            rule.add("-m", "tcp", "-p", "tcp", "--dport", String(healthCheck), "-j", "ACCEPT")
            filter(rule)
        }
        if hasInternal { writeInternalMasquerade(info, chain: internalChain, clusterIP: clusterIP, port: port) }
        if usesExternalChain {
            writeExternalChain(
                info, externalLocal: externalLocal, hasExternal: hasExternal, policyChain: externalPolicyChain)
        }
        if usesFirewallChain { writeFirewallChain(info) }
        if !categories.cluster.isEmpty {
            declare(info.clusterChain)
            writeServiceToEndpoints(info, chain: info.clusterChain, endpoints: categories.cluster)
        }
        if !categories.local.isEmpty {
            declare(info.localChain)
            writeServiceToEndpoints(info, chain: info.localChain, endpoints: categories.local)
        }
        for endpoint in categories.reachable { writeEndpointChain(info, endpoint) }
    }

    mutating func writeNodePort(
        _ info: ServicePortInfo, nodePort: String, hasEndpoints: Bool, hasExternal: Bool, filterTarget: String,
        filterComment: String
    ) {
        let proto = info.proto
        if hasEndpoints {
            let counter = ProxyConfig.localhostNodePortsCounter
            let loopbackListens =
                config.nodePortAddresses.map { $0.contains { $0.contains(IPv4Address(127, 0, 0, 1)) } } ?? true
            if config.localhostNodePorts && loopbackListens && config.hasCounter(counter) {
                var rule = RuleLine(IptablesCompiler.kubeNodePorts)
                rule.bareComment(info.name)
                rule.add(
                    "-m", proto, "-p", proto, "-d", "127.0.0.0/8", "--dport", nodePort, "-m", "nfacct", "--nfacct-name",
                    counter)
                rule.add("-j", info.externalChain)
                nat(IptablesCompiler.kubeNodePorts, rule)
            }
            var rule = RuleLine(IptablesCompiler.kubeNodePorts)
            rule.bareComment(info.name)
            rule.add("-m", proto, "-p", proto, "--dport", nodePort, "-j", info.externalChain)
            nat(IptablesCompiler.kubeNodePorts, rule)
        }
        if !hasExternal {
            var rule = RuleLine(IptablesCompiler.kubeExternalServices)
            rule.comment(filterComment)
            rule.add(
                "-m", "addrtype", "--dst-type", "LOCAL", "-m", proto, "-p", proto, "--dport", nodePort, "-j",
                filterTarget)
            filter(rule)
        }
    }

    /// The internal chain's first rule: masquerade off-cluster sources (or everything with masqueradeAll).
    mutating func writeInternalMasquerade(_ info: ServicePortInfo, chain: String, clusterIP: String, port: String) {
        var rule = RuleLine(chain)
        rule.comment("\(info.name) cluster IP")
        rule.add("-m", info.proto, "-p", info.proto, "-d", clusterIP, "--dport", port)
        if config.masqueradeAll {
            rule.add("-j", IptablesCompiler.kubeMarkMasq)
        } else if case .clusterCIDR(let cidr) = config.localDetector {
            rule.add("!", "-s", "\(cidr)", "-j", IptablesCompiler.kubeMarkMasq)
        } else {
            return
        }
        nat(chain, rule)
    }

    mutating func writeExternalChain(
        _ info: ServicePortInfo, externalLocal: Bool, hasExternal: Bool, policyChain: String
    ) {
        let chain = info.externalChain
        declare(chain)
        if !externalLocal {
            var rule = RuleLine(chain)
            rule.comment("masquerade traffic for \(info.name) external destinations")
            rule.add("-j", IptablesCompiler.kubeMarkMasq)
            nat(chain, rule)
        } else {
            if case .clusterCIDR(let cidr) = config.localDetector {
                var rule = RuleLine(chain)
                rule.comment("pod traffic for \(info.name) external destinations")
                rule.add("-s", "\(cidr)", "-j", info.clusterChain)
                nat(chain, rule)
            }
            var rule = RuleLine(chain)
            rule.comment("masquerade LOCAL traffic for \(info.name) external destinations")
            rule.add("-m", "addrtype", "--src-type", "LOCAL", "-j", IptablesCompiler.kubeMarkMasq)
            nat(chain, rule)
            rule = RuleLine(chain)
            rule.comment("route LOCAL traffic for \(info.name) external destinations")
            rule.add("-m", "addrtype", "--src-type", "LOCAL", "-j", info.clusterChain)
            nat(chain, rule)
        }
        if hasExternal {
            var rule = RuleLine(chain)
            rule.add("-j", policyChain)
            nat(chain, rule)
        }
    }

    /// KUBE-FW: allow each loadBalancerSourceRange (and the LB IPs themselves when a range holds the node IP).
    mutating func writeFirewallChain(_ info: ServicePortInfo) {
        let chain = info.firewallChain
        declare(chain)
        var allowFromNode = false
        for range in info.service.loadBalancerSourceRanges {
            var rule = RuleLine(chain)
            rule.comment("\(info.name) loadbalancer IP")
            rule.add("-s", "\(range)", "-j", info.externalChain)
            nat(chain, rule)
            if config.nodeIPs.contains(where: { range.contains($0) }) { allowFromNode = true }
        }
        if allowFromNode {
            for lbIP in info.loadBalancerIPs {
                var rule = RuleLine(chain)
                rule.comment("\(info.name) loadbalancer IP")
                rule.add("-s", "\(lbIP)", "-j", info.externalChain)
                nat(chain, rule)
            }
        }
        var rule = RuleLine(chain)
        rule.comment("other traffic to \(info.name) will be dropped by KUBE-PROXY-FIREWALL")
        nat(chain, rule)
    }

    /// Affinity checks, then one probabilistic jump per endpoint (the last unconditional).
    mutating func writeServiceToEndpoints(_ info: ServicePortInfo, chain: String, endpoints: [EndpointInfo]) {
        if let timeout = info.service.affinityTimeout {
            for endpoint in endpoints {
                var rule = RuleLine(chain)
                if !largeCluster { rule.comment(info.name, arrow: endpoint.text) }
                rule.add(
                    "-m", "recent", "--name", endpoint.chain, "--rcheck", "--seconds", String(timeout), "--reap", "-j",
                    endpoint.chain)
                nat(chain, rule)
            }
        }
        let count = endpoints.count
        for (index, endpoint) in endpoints.enumerated() {
            var rule = RuleLine(chain)
            if !largeCluster { rule.comment(info.name, arrow: endpoint.text) }
            if index < count - 1 {
                rule.add("-m", "statistic", "--mode", "random", "--probability", Self.probability(count - index))
            }
            rule.add("-j", endpoint.chain)
            nat(chain, rule)
        }
    }

    /// KUBE-SEP: hairpin masquerade, then DNAT (recording the client for affinity).
    mutating func writeEndpointChain(_ info: ServicePortInfo, _ endpoint: EndpointInfo) {
        let chain = endpoint.chain
        declare(chain)
        var rule = RuleLine(chain)
        if !largeCluster { rule.bareComment(info.name) }
        rule.add("-s", endpoint.ip.description, "-j", IptablesCompiler.kubeMarkMasq)
        nat(chain, rule)
        rule = RuleLine(chain)
        if !largeCluster { rule.bareComment(info.name) }
        if info.service.affinityTimeout != nil { rule.add("-m", "recent", "--name", chain, "--set") }
        rule.add("-m", info.proto, "-p", info.proto, "-j", "DNAT", "--to-destination", endpoint.text)
        nat(chain, rule)
    }

    /// `%0.10f` of 1/n, as kube-proxy formats `--probability`.
    static func probability(_ n: Int) -> String {
        let scaled = (1.0 / Double(n) * 1e10).rounded()
        let integer = Int(scaled)
        let whole = integer / 10_000_000_000
        let fraction = String(integer % 10_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 10 - fraction.count) + fraction
    }
}
