// swift-tools-version: 6.1
import PackageDescription

// Layers (docs/ARCHITECTURE.md): imports only go up this list.
//   0 NetCore            addresses, prefixes, protocols, simulated time, seeded randomness
//   1 Wire, YAMLReader   header values, parse/emit, checksums, pcap, tcpdump-like printer; located YAML reading
//   2 Routing, Trace     routing tables and neighbours; the typed trace tree and its renderers
//   2 KubeModel          Service, EndpointSlice, Pod, Node from kubectl YAML; the EndpointSlice controller
//   2 Netfilter          iptables ruleset model, iptables-save/restore parser and printers
//   3 Dataplane, BGP     netns/devices/bridges and the packet engine walking Linux's path; BGP speakers
//   4 Scenario           topology files → a ready Network
//   5 Lab                the only kernel-touching module: programs a Scenario into real netns, reads it back
//   6 kdp                the executable (ArgumentParser commands only)
let package = Package(
    name: "kdp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kdp", targets: ["kdp"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .target(name: "NetCore"),
        .target(name: "Wire", dependencies: ["NetCore"]),
        .target(name: "Routing", dependencies: ["NetCore"]),
        .target(name: "Netfilter", dependencies: ["NetCore", "Wire"]),
        .target(name: "Trace", dependencies: ["NetCore", "Wire", "Routing"]),
        .target(name: "Dataplane", dependencies: ["NetCore", "Wire", "Routing", "Trace", "Netfilter"]),
        .target(name: "YAMLReader", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "KubeModel", dependencies: ["NetCore", "YAMLReader"]),
        .target(name: "BGP", dependencies: ["NetCore"]),
        .target(
            name: "KubeProxy",
            dependencies: [
                "NetCore", "YAMLReader", "KubeModel", "Netfilter", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Scenario",
            dependencies: [
                "NetCore", "Wire", "Routing", "Dataplane", "BGP", "YAMLReader", "KubeModel", "Netfilter", "KubeProxy",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .systemLibrary(
            name: "CNetlink", pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev", "libnl-genl-3-dev"])]),
        .target(name: "CLabShim"),
        .target(
            name: "Lab",
            dependencies: [
                "CNetlink", "CLabShim", "NetCore", "Routing", "Netfilter", "Dataplane", "Trace", "Wire", "Scenario",
            ]
        ),
        .executableTarget(
            name: "kdp",
            dependencies: [
                "NetCore", "Wire", "Routing", "Trace", "Dataplane", "BGP", "Scenario", "YAMLReader", "KubeModel",
                "Netfilter", "KubeProxy", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "NetCoreTests", dependencies: ["NetCore"]),
        .testTarget(name: "WireTests", dependencies: ["NetCore", "Wire"]),
        .testTarget(name: "RoutingTests", dependencies: ["NetCore", "Routing"]),
        .testTarget(name: "NetfilterTests", dependencies: ["NetCore", "Wire", "Netfilter"], exclude: ["Fixtures"]),
        .testTarget(
            name: "DataplaneTests", dependencies: ["NetCore", "Wire", "Routing", "Trace", "Netfilter", "Dataplane"]),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["NetCore", "Wire", "Routing", "Trace", "Dataplane", "YAMLReader", "Scenario"]),
        .testTarget(name: "BGPTests", dependencies: ["NetCore", "BGP"]),
        .testTarget(name: "KubeModelTests", dependencies: ["NetCore", "YAMLReader", "KubeModel"]),
        .testTarget(
            name: "KubeProxyTests", dependencies: ["NetCore", "KubeModel", "Netfilter", "KubeProxy", "YAMLReader"]),
        .testTarget(name: "CLITests", dependencies: ["kdp", "Netfilter"], exclude: ["Conformance"]),
        .testTarget(name: "LabTests", dependencies: ["kdp", "Lab", "Scenario", "NetCore", "Routing"]),
    ],
    swiftLanguageModes: [.v6]
)
