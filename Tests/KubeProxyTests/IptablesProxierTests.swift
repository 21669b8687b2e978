import KubeModel
import KubeProxy
import NetCore
import Netfilter
import Testing

@Suite("IptablesProxier: kube-proxy's full and partial syncs, stale-chain deletion and failed restores")
struct IptablesProxierTests {
    let svc1 = Fixture.chain("ns1/svc1:p80")
    let svc2 = Fixture.chain("ns2/svc2:p8080")
    let sep1 = Fixture.endpointChain("ns1/svc1:p80", "10.0.1.1:80")
    let sep2 = Fixture.endpointChain("ns2/svc2:p8080", "10.0.2.1:8080")
    /// kube-proxy's declaration order for the nat top-level chains.
    let topLevel = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]

    @Test("the first sync is full and writes exactly what the compiler writes")
    func firstSyncIsFull() {
        var proxier = IptablesProxier(config: Fixture.config)
        let objects = Fixture.twoServices
        let result = proxier.sync(objects)
        #expect(result.isFull)
        #expect(result.restoreError == nil)
        let compiled = IptablesCompiler(config: Fixture.config).compile(
            services: objects.services, slices: objects.slices)
        #expect(result.payload.text == compiled.text)
        #expect(result.natRulesSynced == 15)
        #expect(result.natRulesTotal == 15 && result.natRulesInKernel == 15)
    }

    @Test("a sync without changes is partial: top-level chains and the filter table only")
    func unchangedSyncWritesTopLevelOnly() {
        var proxier = IptablesProxier(config: Fixture.config)
        let objects = Fixture.twoServices
        let first = proxier.sync(objects)
        let second = proxier.sync(objects)
        #expect(!second.isFull)
        #expect(second.payload.natChains == topLevel)
        #expect(second.payload.filterChains == first.payload.filterChains)
        #expect(second.payload.filterRules == first.payload.filterRules)
        #expect(second.payload.natRules.filter { $0.hasPrefix("-A KUBE-SERVICES ") }.count == 3)
        #expect(second.natRulesTotal == 15)
        #expect(proxier.ruleset.chain(svc1, in: .nat)?.rules.count == 2, "unchanged chains stay in the kernel")
    }

    @Test("a changed endpoint rewrites that service's chains only and deletes its old endpoint chain")
    func endpointChange() {
        var proxier = IptablesProxier(config: Fixture.config)
        var objects = Fixture.twoServices
        _ = proxier.sync(objects)
        objects.apply(
            {
                var change = Manifest()
                change.slices = [Fixture.slice("ns2", "svc2", port: 8080, addresses: ["10.0.2.2"])]
                return change
            }())
        let result = proxier.sync(objects)
        let newSEP = Fixture.endpointChain("ns2/svc2:p8080", "10.0.2.2:8080")
        #expect(result.changedServices == ["ns2/svc2"])
        #expect(Set(result.payload.natChains) == Set(topLevel + [svc2, newSEP, sep2]))
        #expect(result.payload.natDeleted == [sep2])
        #expect(result.deletedChains == [sep2])
        #expect(proxier.ruleset.chain(sep2, in: .nat) == nil)
        #expect(result.natRulesTotal == 15)
    }

    @Test("deleting a Service deletes its chains with -X although its EndpointSlice stays")
    func serviceDeletion() {
        var proxier = IptablesProxier(config: Fixture.config)
        var objects = Fixture.twoServices
        _ = proxier.sync(objects)
        objects.delete(.service, namespace: "ns2", name: "svc2")
        let result = proxier.sync(objects)
        #expect(result.payload.natDeleted == [sep2, svc2])
        #expect(Set(result.payload.natChains) == Set(topLevel + [sep2, svc2]))
        #expect(proxier.ruleset.chain(svc2, in: .nat) == nil)
        #expect(result.natRulesTotal == 10)
    }

    @Test("large-cluster mode: comments dropped, stale chains deleted only once syncPeriod has passed")
    func largeClusterCleanup() {
        var proxier = IptablesProxier(config: Fixture.config)
        proxier.compiler.largeClusterThreshold = 2
        var objects = Fixture.twoServices
        objects.slices[0] = Fixture.slice("ns1", "svc1", port: 80, addresses: ["10.0.1.1", "10.0.1.2", "10.0.1.3"])
        let first = proxier.sync(objects)
        #expect(first.largeClusterMode)
        #expect(first.payload.natRules.contains("-A \(sep2) -m tcp -p tcp -j DNAT --to-destination 10.0.2.1:8080"))
        objects.delete(.service, namespace: "ns2", name: "svc2")
        let early = proxier.sync(objects)
        #expect(early.largeClusterMode)
        #expect(early.deletedChains.isEmpty)
        #expect(proxier.ruleset.chain(sep2, in: .nat) != nil, "stale but harmless until the next cleanup")
        #expect(early.natRulesTotal == 16 && early.natRulesInKernel == 20)
        proxier.advance(bySeconds: Fixture.config.syncPeriod + 1)
        let later = proxier.sync(objects)
        #expect(!later.isFull)
        #expect(later.deletedChains == [sep2, svc2])
    }

    @Test("a restore that fails (a deleted chain is still referenced) changes nothing and makes the next sync full")
    func failedRestore() throws {
        var proxier = IptablesProxier(config: Fixture.config)
        var objects = Fixture.twoServices
        _ = proxier.sync(objects)
        proxier.ruleset = try IptablesCommand.run("-t nat -A \(svc1) -j \(sep2)", on: proxier.ruleset)
        objects.delete(.service, namespace: "ns2", name: "svc2")
        let failed = proxier.sync(objects)
        #expect(!failed.isFull)
        #expect(failed.restoreError?.table == "nat")
        #expect(failed.natRulesTotal == 10, "the metric is set before the restore")
        #expect(failed.natRulesInKernel == 16, "the kernel kept everything, the injected rule too")
        #expect(proxier.needFullSync)
        #expect(proxier.ruleset.chain(sep2, in: .nat) != nil)
        let retry = proxier.sync(objects)
        #expect(retry.isFull)
        #expect(retry.restoreError == nil)
        #expect(retry.deletedChains == [sep2, svc2])
        #expect(proxier.ruleset.chain(svc1, in: .nat)?.rules.count == 2, "the full sync rewrote svc1's chain")
    }

    @Test("a sync is full again an hour after the last full one, or when requested")
    func periodicAndForcedFullSync() {
        var proxier = IptablesProxier(config: Fixture.config)
        let objects = Fixture.twoServices
        _ = proxier.sync(objects)
        proxier.advance(bySeconds: 1800)
        #expect(!proxier.sync(objects).isFull)
        proxier.advance(bySeconds: 1801)
        #expect(proxier.sync(objects).isFull)
        #expect(!proxier.sync(objects).isFull)
        proxier.requestFullSync()
        #expect(proxier.sync(objects).isFull)
    }

    @Test("full syncs ensure the jump rules from the built-in chains once")
    func jumpRules() {
        var proxier = IptablesProxier(config: Fixture.config)
        let objects = Fixture.twoServices
        _ = proxier.sync(objects)
        proxier.requestFullSync()
        _ = proxier.sync(objects)
        let prerouting = proxier.ruleset.chain("PREROUTING", in: .nat)?.rules ?? []
        #expect(prerouting.map(\.jumpChain) == ["KUBE-SERVICES"])
        #expect(proxier.ruleset.chain("INPUT", in: .filter)?.rules.count == 4)
    }

    @Test("a Service without endpoints writes only a filter REJECT; its endpoints then bring its chains")
    func serviceGainsEndpoints() {
        var proxier = IptablesProxier(config: Fixture.config)
        var objects = Manifest()
        objects.services = [Fixture.service("ns4", "svc4", clusterIP: "172.30.0.44", port: 80)]
        let empty = proxier.sync(objects)
        #expect(empty.payload.filterRules.contains { $0.contains("has no endpoints") && $0.hasSuffix("-j REJECT") })
        #expect(empty.payload.natChains == topLevel)
        objects.slices = [Fixture.slice("ns4", "svc4", port: 80, addresses: ["10.0.4.1"])]
        let filled = proxier.sync(objects)
        #expect(filled.changedServices == ["ns4/svc4"])
        #expect(filled.payload.natChains.contains(Fixture.chain("ns4/svc4:p80")))
        #expect(!filled.payload.filterRules.contains { $0.contains("has no endpoints") })
    }
}
