import Foundation
import KubeModel
import KubeProxy
import Netfilter
import Testing
import YAMLReader

@Suite("Sync scenarios: the steps format, the conformance prose, and iptables edits between syncs")
struct SyncStepTests {
    func load(_ text: String) throws -> [SyncStep] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-steps-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SyncStep.load(path: url.path, directory: "/cases")
    }

    @Test("structured keys: objects, delete, iptables, advance, fullSync, sync")
    func structured() throws {
        let steps = try load(
            """
            [{"step": 4, "objects": "add.yaml", "delete": ["Service ns2/svc2", "gone.yaml", "Node n1"],
              "iptables": ["-t nat -F KUBE-SERVICES"], "advance": "1m30s", "fullSync": true, "sync": false},
             {"advance": "syncPeriod"}, {"advance": 2.5}]
            """)
        #expect(steps.map(\.number) == [4, 2, 3])
        #expect(steps[0].applyFiles == ["/cases/add.yaml"])
        #expect(steps[0].deleteFiles == ["/cases/gone.yaml"])
        #expect(
            steps[0].deletions == [
                ObjectReference(kind: .service, namespace: "ns2", name: "svc2"),
                ObjectReference(kind: .node, namespace: "", name: "n1"),
            ])
        #expect(steps[0].iptablesCommands == ["-t nat -F KUBE-SERVICES"])
        #expect(steps[0].advance == .seconds(90))
        #expect(steps[0].forceFullSync && !steps[0].syncs)
        #expect(steps[1].advance == .pastSyncPeriod)
        #expect(steps[2].advance == .seconds(2.5))
    }

    @Test("conformance prose: deletions, live rule edits, forced and timed syncs")
    func prose() throws {
        let steps = try load(
            """
            [{"action": "add Service ns3/svc3 and EndpointSlice ns3/svc3-1", "objects": "step02-add.yaml"},
             {"action": "delete Service ns2/svc2 (its EndpointSlice stays)"},
             {"action": "append '-j KUBE-SEP-A' to live nat chain KUBE-SVC-B, delete Service ns4/svc4, sync: must FAIL"},
             {"action": "delete EndpointSlice (step05-delete.yaml)", "objects": "step05-delete.yaml"},
             {"action": "fp.lastIPTablesCleanup = now; delete Service ns4/svc4; sync"},
             {"action": "lastIPTablesCleanup = now - syncPeriod - 1; sync: stale chains deleted"},
             {"action": "forceSyncProxyRules (full resync)"}]
            """)
        #expect(steps[0].applyFiles == ["/cases/step02-add.yaml"] && steps[0].deletions.isEmpty)
        #expect(steps[1].deletions == [ObjectReference(kind: .service, namespace: "ns2", name: "svc2")])
        #expect(steps[2].iptablesCommands == ["-t nat -A KUBE-SVC-B -j KUBE-SEP-A"])
        #expect(steps[2].deletions == [ObjectReference(kind: .service, namespace: "ns4", name: "svc4")])
        #expect(steps[3].deleteFiles == ["/cases/step05-delete.yaml"] && steps[3].applyFiles.isEmpty)
        #expect(steps[4].advance == nil && steps[4].deletions.count == 1)
        #expect(steps[5].advance == .pastSyncPeriod)
        #expect(steps[6].forceFullSync)
        #expect(!steps[1].forceFullSync && steps[1].advance == nil)
    }

    @Test("a step that is not a mapping is a located error")
    func badStep() {
        #expect(throws: LocatedError.self) { try load("[[1, 2]]") }
    }

    @Test("syncPeriod in the proxy config takes seconds or a Go duration")
    func syncPeriod() throws {
        let config = try ProxyConfig.parse("nodeName: n\nsyncPeriod: 1m30s\n", file: "p.yaml")
        #expect(config.syncPeriod == 90)
        #expect(try ProxyConfig.parse("nodeName: n\n", file: "p.yaml").syncPeriod == 30)
        #expect(throws: LocatedError.self) { try ProxyConfig.parse("nodeName: n\nsyncPeriod: soon\n", file: "p.yaml") }
    }

    @Test("an IPv6 proxy config is refused at its ipFamily line, not compiled as IPv4")
    func ipv6Refused() throws {
        #expect(try ProxyConfig.parse("nodeName: n\nipFamily: IPv4\n", file: "p.yaml").nodeName == "n")
        do {
            _ = try ProxyConfig.parse("nodeName: n\nipFamily: IPv6\n", file: "p.yaml")
            Issue.record("IPv6 accepted")
        } catch {
            #expect(error.line == 2)
            #expect("\(error)".contains("p.yaml:2: ipFamily: invalid value \"IPv6\""), "\(error)")
        }
    }

    @Test("iptables edits: append, insert, delete a rule; -X refuses a chain with rules or references")
    func iptablesEdits() throws {
        var ruleset = try IptablesCommand.run("-t nat -N KUBE-A", on: .empty)
        ruleset = try IptablesCommand.run("-t nat -N KUBE-B", on: ruleset)
        ruleset = try IptablesCommand.run("iptables -t nat -A KUBE-A -p tcp -j KUBE-B", on: ruleset)
        ruleset = try IptablesCommand.run("-t nat -I KUBE-A 1 -j RETURN", on: ruleset)
        #expect(ruleset.chain("KUBE-A", in: .nat)?.rules.map(\.target?.name) == ["RETURN", "KUBE-B"])
        #expect(throws: IptablesCommandError.self) { try IptablesCommand.run("-t nat -X KUBE-B", on: ruleset) }
        #expect(throws: IptablesCommandError.self) { try IptablesCommand.run("-t nat -X KUBE-A", on: ruleset) }
        #expect(throws: IptablesCommandError.self) {
            try IptablesCommand.run("-t nat -A KUBE-A -j KUBE-C", on: ruleset)
        }
        ruleset = try IptablesCommand.run("-t nat -D KUBE-A -p tcp -j KUBE-B", on: ruleset)
        ruleset = try IptablesCommand.run("-t nat -X KUBE-B", on: ruleset)
        #expect(ruleset.chain("KUBE-B", in: .nat) == nil)
        #expect(ruleset.chain("INPUT", in: .filter) == nil, "only the named table is touched")
    }

    @Test("running a step applies and deletes objects, edits the node, then syncs")
    func runStep() throws {
        var proxier = IptablesProxier(config: Fixture.config)
        var objects = Fixture.twoServices
        let first = SyncStep(number: 1, action: "initial", file: "s.json", line: 1)
        #expect(try proxier.run(first, objects: &objects)?.isFull == true)
        var second = SyncStep(number: 2, action: "", file: "s.json", line: 2)
        second.deletions = [ObjectReference(kind: .service, namespace: "ns2", name: "svc2")]
        second.syncs = false
        #expect(try proxier.run(second, objects: &objects) == nil)
        #expect(objects.services.map(\.key) == ["ns1/svc1"])
        var third = SyncStep(number: 3, action: "", file: "s.json", line: 3)
        third.deletions = [ObjectReference(kind: .service, namespace: "ns2", name: "svc2")]
        #expect(throws: LocatedError.self) { try proxier.run(third, objects: &objects) }
    }
}
