import ArgumentParser
import Foundation
import KubeModel
import KubeProxy
import NetCore
import Netfilter
import YAMLReader

/// `kdp rules`: what kube-proxy would program for a node, and kube-proxy's packet-flow oracle over it.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Compile Services/EndpointSlices into kube-proxy's ruleset, or trace flows through it.",
        subcommands: [Generate.self, TraceFlows.self, Sync.self],
        defaultSubcommand: Generate.self)

    /// Options shared by both subcommands.
    struct Inputs: ParsableArguments {
        @Option(help: "Proxy mode (iptables).")
        var mode: String = "iptables"

        @Option(name: .customLong("proxy-config"), help: "Proxier settings (the conformance proxy.yaml shape).")
        var proxyConfig: String

        @Argument(help: "Kubernetes manifests (Services, EndpointSlices, Pods, Nodes; multi-document or List).")
        var manifests: [String] = []

        func validate() throws {
            guard mode == "iptables" else {
                throw ValidationError("--mode: only iptables is implemented so far, not \"\(mode)\"")
            }
        }

        func load() throws -> (ProxyConfig, Manifest) {
            do {
                let config = try ProxyConfig.load(path: proxyConfig)
                let manifest = try ManifestLoader.load(paths: manifests)
                return (config, manifest)
            } catch {
                throw InputError(message: error.description)
            }
        }

        func payload() throws -> (ProxyConfig, IptablesPayload) {
            let (config, manifest) = try load()
            let slices = EndpointSliceController.reconcile(manifest)
            return (config, IptablesCompiler(config: config).compile(services: manifest.services, slices: slices))
        }
    }

    /// `kdp rules [--check]`: print the iptables-restore payload.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Print the iptables-restore payload kube-proxy writes for this node (the default).",
            discussion:
                "With --check the payload is also loaded into a scratch network namespace with the real iptables-restore --test (root needed)."
        )

        @OptionGroup var inputs: Inputs

        @Flag(help: "Validate the payload with the real iptables-restore --test in a scratch netns.")
        var check = false

        @Option(help: "With --check: the iptables backend, nft or legacy.")
        var backend: String = "nft"

        func run() throws {
            let (_, payload) = try inputs.payload()
            payload.write { chunk in FileHandle.standardOutput.write(Data(chunk)) }
            if check { try RestoreCheck(backend: backend).run(payload.text) }
        }
    }

    /// `kdp rules trace`: kube-proxy's flow oracle over the compiled ruleset or a real dump.
    struct TraceFlows: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trace",
            abstract: "Run flows through the ruleset as kube-proxy's packet-flow tests do.",
            discussion: """
                Flows come from --flows FILE (a JSON list of {name, sourceIP, destIP, destPort, protocol}) or from \
                --src/--dst/--dport/--proto. With --iptables-save DUMP the dump of a real node is traced instead of \
                the compiled rules. Output: a JSON list of {name, output, masq} in input order.
                """)

        @Option(name: .customLong("proxy-config"), help: "Proxier settings (the conformance proxy.yaml shape).")
        var proxyConfig: String

        @Option(help: "Proxy mode (iptables).")
        var mode: String = "iptables"

        @Option(
            name: .customLong("iptables-save"), help: "Trace this iptables-save dump instead of compiling manifests.")
        var iptablesSave: String?

        @Option(help: "Flows file (JSON).")
        var flows: String?

        @Option(help: "Single flow: source IP.")
        var src: String?

        @Option(help: "Single flow: destination IP.")
        var dst: String?

        @Option(help: "Single flow: destination port.")
        var dport: Int?

        @Option(help: "Single flow: tcp, udp or sctp.")
        var proto: String = "tcp"

        @Option(help: "json or text.")
        var format: String = "json"

        @Argument(help: "Kubernetes manifests (ignored with --iptables-save).")
        var manifests: [String] = []

        func validate() throws {
            guard mode == "iptables" else { throw ValidationError("--mode: only iptables is implemented so far") }
            guard (flows == nil) != (src == nil && dst == nil && dport == nil) else {
                throw ValidationError("give either --flows FILE or --src, --dst and --dport")
            }
            if flows == nil, src == nil || dst == nil || dport == nil {
                throw ValidationError("--src, --dst and --dport go together")
            }
            guard ["tcp", "udp", "sctp"].contains(proto) else {
                throw ValidationError("--proto must be tcp, udp or sctp")
            }
            guard ["json", "text"].contains(format) else { throw ValidationError("--format must be json or text") }
        }

        func run() throws {
            let config: ProxyConfig
            do { config = try ProxyConfig.load(path: proxyConfig) } catch {
                throw InputError(message: error.description)
            }
            let ruleset = try loadRuleset(config)
            let tracer = KubeProxyTracer(
                ruleset: ruleset, nodeIPs: config.tracerNodeIPs.isEmpty ? config.nodeIPs : config.tracerNodeIPs)
            let results = try packetFlows().map(tracer.trace)
            if format == "text" {
                output(
                    results.map {
                        "\($0.name): \($0.output.isEmpty ? "(no match)" : $0.output)\($0.masq ? " masq" : "")"
                    }.joined(separator: "\n") + "\n")
            } else {
                output(FlowJSON.render(results))
            }
        }

        func loadRuleset(_ config: ProxyConfig) throws -> Ruleset {
            if let iptablesSave {
                let text: String
                do { text = try YAMLDocument.read(path: iptablesSave) } catch {
                    throw InputError(message: error.description)
                }
                do { return try IptablesParser.parse(text) } catch {
                    throw InputError(message: "\(iptablesSave): \(error)")
                }
            }
            let manifest: Manifest
            do { manifest = try ManifestLoader.load(paths: manifests) } catch {
                throw InputError(message: error.description)
            }
            let payload = IptablesCompiler(config: config).compile(
                services: manifest.services, slices: EndpointSliceController.reconcile(manifest))
            do { return try KubeProxyJumpRules.ruleset(applying: payload.text) } catch {
                throw InputError(message: "internal: the compiled payload does not parse: \(error)")
            }
        }

        func packetFlows() throws -> [PacketFlow] {
            if let flows { return try FlowJSON.load(flows) }
            guard let src, let dst, let dport, let source = IPv4Address(src), let destination = IPv4Address(dst),
                (1...65535).contains(dport)
            else { throw InputError(message: "--src/--dst must be IPv4 addresses and --dport 1...65535") }
            return [
                PacketFlow(
                    name: "\(src) -> \(dst):\(dport)/\(proto)", source: source, destination: destination,
                    port: UInt16(dport), proto: proto)
            ]
        }
    }
}
