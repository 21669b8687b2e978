import Foundation
import Testing

/// `kdp rules --check` loads the payload into a scratch network namespace with the real iptables-restore.
@Suite("kdp rules --check: the real iptables-restore (nft backend) accepts a large generated payload")
struct RestoreCheckTests {
    /// `count` ClusterIP/NodePort Services with 3 endpoints each, every fifth with ClientIP affinity and
    /// every seventh with eTP=Local, as kubectl prints them.
    static func manifest(services count: Int) -> String {
        var text = ""
        for index in 0..<count {
            let nodePort = index % 2 == 0 ? ", nodePort: \(30000 + index)" : ""
            let type = index % 2 == 0 ? "NodePort" : "ClusterIP"
            let affinity = index % 5 == 0 ? "\n  sessionAffinity: ClientIP" : ""
            let local = index % 7 == 0 && index % 2 == 0 ? "\n  externalTrafficPolicy: Local" : ""
            text += """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc\(index), namespace: ns\(index % 10)}
                spec:
                  type: \(type)
                  clusterIP: 172.20.\(index / 250).\(index % 250 + 1)\(affinity)\(local)
                  ports:
                  - {name: http, port: 80, protocol: TCP, targetPort: 8080\(nodePort)}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: svc\(index)-1, namespace: ns\(index % 10), labels: {kubernetes.io/service-name: svc\(index)}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints:
                - {addresses: [10.1.\(index / 80).\(index % 80 * 3 + 1)], nodeName: node-a}
                - {addresses: [10.1.\(index / 80).\(index % 80 * 3 + 2)], nodeName: node-b}
                - {addresses: [10.1.\(index / 80).\(index % 80 * 3 + 3)], conditions: {ready: false, serving: true, terminating: true}, nodeName: node-a}

                """
        }
        return text
    }

    @Test("400 Services: the payload is accepted by iptables-nft-restore --test in a scratch netns")
    func largePayloadAccepted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kdp-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifests = folder.appendingPathComponent("services.yaml")
        let proxy = folder.appendingPathComponent("proxy.yaml")
        try Self.manifest(services: 400).write(to: manifests, atomically: true, encoding: .utf8)
        try """
        nodeName: node-a
        nodeIPs: [192.168.0.2]
        localTrafficDetector: {mode: ClusterCIDR, clusterCIDR: 10.0.0.0/8}
        iptablesHasRandomFully: true
        nfacctCounters: []

        """.write(to: proxy, atomically: true, encoding: .utf8)
        #expect(getuid() == 0, "the check creates a network namespace: run the tests as root (CI does)")
        let result = try KDP.run([
            "rules", "--mode", "iptables", "--proxy-config", proxy.path, "--check", manifests.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("iptables-nft-restore --test accepted the payload"))
        #expect(result.stdout.components(separatedBy: "\n-A KUBE-SEP-").count > 1000)
        // The scratch namespace is gone afterwards.
        let list = Process()
        list.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        list.arguments = ["ip", "netns", "list"]
        let pipe = Pipe()
        list.standardOutput = pipe
        try list.run()
        let namespaces = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        list.waitUntilExit()
        #expect(!namespaces.contains("kdp-check-"))
    }
}
