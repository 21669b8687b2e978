import KubeModel
import NetCore
import Testing
import YAMLReader

func load(_ text: String) throws -> Manifest {
    var manifest = Manifest()
    try ManifestLoader.parse(text, file: "m.yaml", into: &manifest)
    return manifest
}

@Suite("Kubernetes manifests: kubectl YAML, API defaults, other family ignored, located errors")
struct ManifestLoaderTests {
    @Test("a Service gets the API defaults: ClusterIP, TCP, targetPort = port, affinity timeout 10800")
    func serviceDefaults() throws {
        let manifest = try load(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop, uid: 1234, resourceVersion: "5"}
            spec:
              clusterIP: 10.96.0.10
              sessionAffinity: ClientIP
              ports: [{port: 80}]
            status: {loadBalancer: {}}
            """)
        let service = try #require(manifest.services.first)
        #expect(service.type == .clusterIP)
        #expect(service.ports == [ServicePort(name: "", proto: .tcp, port: 80, targetPort: .number(80))])
        #expect(service.affinityTimeout == 10800)
        #expect(service.externalTrafficPolicy == .cluster)
        #expect(service.clusterIP == IPv4Address("10.96.0.10"))
    }

    @Test("multi-document files and kind: List both load; other kinds are counted, not errors")
    func listsAndDocuments() throws {
        let manifest = try load(
            """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {clusterIP: 10.96.0.1, ports: [{port: 1}]}}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: a-x, namespace: default, labels: {kubernetes.io/service-name: a}}
            addressType: IPv4
            endpoints: [{addresses: [10.0.0.1], conditions: {ready: true}, nodeName: n1}]
            ports: [{port: 8080}]
            """)
        #expect(manifest.services.count == 1)
        #expect(manifest.slices.first?.endpoints.first?.nodeName == "n1")
        #expect(manifest.slices.first?.ports == [EndpointPort(name: "", port: 8080, proto: .tcp)])
        #expect(manifest.ignoredKinds == ["ConfigMap": 1])
    }

    @Test("kube-proxy's sloppy address parsing: leading zeros and whitespace are accepted")
    func sloppyAddresses() throws {
        let manifest = try load(
            """
            kind: Service
            metadata: {name: a, namespace: n}
            spec:
              type: LoadBalancer
              clusterIP: 172.30.0.041
              externalIPs: [192.168.099.022, "2001:db8::1"]
              loadBalancerSourceRanges: [" 203.0.113.000/025"]
              ports: [{port: 80, nodePort: 3001}]
            status: {loadBalancer: {ingress: [{ip: 1.2.3.004, ipMode: Proxy}]}}
            """)
        let service = try #require(manifest.services.first)
        #expect(service.clusterIP == IPv4Address("172.30.0.41"))
        #expect(service.externalIPs == [IPv4Address("192.168.99.22")!])
        #expect(service.loadBalancerSourceRanges == [IPv4Prefix("203.0.113.0/25")!])
        #expect(service.loadBalancerIngress == [LoadBalancerIngress(ip: IPv4Address("1.2.3.4")!, ipMode: "Proxy")])
    }

    @Test("IPv6 Services and slices, headless and ExternalName Services have no IPv4 dataplane")
    func otherFamily() throws {
        let manifest = try load(
            """
            kind: Service
            metadata: {name: six}
            spec: {clusterIP: "fd00::1", ports: [{port: 80}]}
            ---
            kind: Service
            metadata: {name: name}
            spec: {type: ExternalName, externalName: example.com}
            ---
            kind: Service
            metadata: {name: headless}
            spec: {clusterIP: None, ports: [{port: 80}]}
            ---
            kind: EndpointSlice
            metadata: {name: six-1, labels: {kubernetes.io/service-name: six}}
            addressType: IPv6
            endpoints: [{addresses: ["fd00::2"]}]
            """)
        #expect(manifest.services.map(\.name) == ["headless"])
        #expect(manifest.services.first?.isHeadless == true)
        #expect(manifest.slices.isEmpty)
    }

    @Test(
        "invalid objects are errors naming file, line and field",
        arguments: [
            (
                "kind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: 70000\n", 5,
                "Service default/a.spec.ports[0].port"
            ),
            (
                "kind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - {port: 80, protocol: ICMP}\n", 5,
                "Service default/a.spec.ports[0].protocol"
            ),
            ("kind: Service\nmetadata: {namespace: x}\nspec: {}\n", 2, "metadata.name"),
            (
                "kind: Service\nmetadata: {name: a}\nspec:\n  clusterIP: 10.0.0.300\n", 4,
                "Service default/a.spec.clusterIP"
            ),
            ("kind: Service\nmetadata: {name: a}\nspec:\n  type: Bogus\n", 4, "Service default/a.spec.type"),
            ("apiVersion: v1\nmetadata: {name: a}\n", 1, "kind"),
        ])
    func errors(text: String, line: Int, field: String) {
        do {
            _ = try load(text)
            Issue.record("accepted invalid input")
        } catch let error as LocatedError {
            #expect(error.file == "m.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the EndpointSlice controller builds slices from selected pods and resolves named target ports")
    func sliceController() throws {
        let manifest = try load(
            """
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{name: http, port: 80, targetPort: web}]}
            ---
            kind: Pod
            metadata: {name: web-1, namespace: shop, labels: {app: web}}
            spec: {nodeName: n1, containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
            status: {phase: Running, podIP: 10.244.1.5, conditions: [{type: Ready, status: "True"}]}
            ---
            kind: Pod
            metadata: {name: web-2, namespace: shop, labels: {app: web}, deletionTimestamp: "2026-01-01T00:00:00Z"}
            spec: {nodeName: n2, containers: [{name: c, ports: [{name: web, containerPort: 9090}]}]}
            status: {phase: Running, podIP: 10.244.2.5, conditions: [{type: Ready, status: "True"}]}
            ---
            kind: Pod
            metadata: {name: other, namespace: shop, labels: {app: db}}
            spec: {nodeName: n1, containers: []}
            status: {phase: Running, podIP: 10.244.1.9}
            """)
        let slices = EndpointSliceController.reconcile(manifest)
        #expect(slices.count == 2)
        #expect(slices[0].ports == [EndpointPort(name: "http", port: 8080, proto: .tcp)])
        #expect(
            slices[0].endpoints.first?.conditions == EndpointConditions(ready: true, serving: true, terminating: false))
        #expect(slices[1].ports == [EndpointPort(name: "http", port: 9090, proto: .tcp)])
        #expect(
            slices[1].endpoints.first?.conditions == EndpointConditions(ready: false, serving: true, terminating: true))
        #expect(slices.allSatisfy { $0.serviceKey == "shop/web" && $0.isGenerated })
    }
}

@Suite("Large manifests: parsed in pieces on all cores, same objects and lines as a sequential parse")
struct LargeManifestTests {
    static func services(_ count: Int, badAt bad: Int? = nil) -> (text: String, badLine: Int) {
        var text = ""
        var line = 1
        var badLine = 0
        for index in 0..<count {
            let port = index == bad ? 70000 : 80
            if index == bad { badLine = line + 4 }
            text +=
                "---\nkind: Service\nmetadata: {name: s\(index), namespace: n}\nspec:\n  ports: [{port: \(port)}]\n  clusterIP: 10.96.\(index / 250).\(index % 250 + 1)\n"
            line += 6
        }
        return (text, badLine)
    }

    @Test("a 1.5 MiB manifest keeps every object in file order")
    func order() throws {
        let (text, _) = Self.services(12000)
        #expect(text.utf8.count > 1 << 20)
        let manifest = try load(text)
        #expect(manifest.services.count == 12000)
        #expect(manifest.services.map(\.name) == (0..<12000).map { "s\($0)" })
    }

    @Test("an error late in a large manifest names its real line")
    func errorLine() {
        let (text, badLine) = Self.services(12000, badAt: 11000)
        do {
            _ = try load(text)
            Issue.record("accepted an invalid port")
        } catch let error as LocatedError {
            #expect(error.line == badLine, "\(error)")
            #expect(error.field == "Service n/s11000.spec.ports[0].port")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
