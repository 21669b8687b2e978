import ArgumentParser
import Foundation
import Lab
import NetCore
import Scenario

/// `kdp lab`: the topology in real network namespaces, and the emulator checked against the kernel.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Program a topology into real Linux network namespaces and check the kernel against the emulator.",
        discussion: """
            Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN). Every namespace is called LAB-NAME (LAB defaults to \
            kdp-TOPOLOGYNAME); the ledger of what a lab created is in /run/kdp/labs/LAB.
            Examples:
              kdp lab up topologies/flannel-vxlan.yaml
              kdp lab exec kdp-flannel-vxlan client -- ping -c1 10.244.2.2
              kdp lab verify topologies/flannel-vxlan.yaml
              kdp lab show kdp-flannel-vxlan --node node-a routes
              kdp lab down --name kdp-flannel-vxlan
            """,
        subcommands: [
            LabUp.self, LabDown.self, LabStatus.self, LabExec.self, LabVerify.self, LabShow.self, LabScript.self,
            LabBench.self,
        ])
}

/// The topology file's lab name and a digest of what it loads (the file and its manifests).
func labIdentity(_ cluster: Cluster, path: String, name: String?) -> (name: String, digest: String) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    for manifest in cluster.spec.kubernetes?.manifests ?? [] {
        text += (try? String(contentsOf: directory.appendingPathComponent(manifest), encoding: .utf8)) ?? ""
    }
    let digest = String(StableHash.fnv1a64(text), radix: 16)
    return (name ?? "kdp-\(cluster.spec.name)", digest)
}

/// Lab errors are input or environment errors: printed as they are, exit status 2.
func labFailure(_ error: LabError) -> InputError { InputError(message: "kdp lab: \(error)") }

/// The lab to act on: the one named, or the only one that is up.
func chooseLab(_ name: String?) throws -> String {
    if let name { return name }
    let labs = Ledger.labs()
    guard labs.count == 1 else {
        throw InputError(
            message: labs.isEmpty
                ? "kdp lab: no labs are up"
                : "kdp lab: several labs are up (\(labs.joined(separator: ", "))); pick one with --name")
    }
    return labs[0]
}

struct LabUp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Create the topology's namespaces, links, routes, rules and BIRD daemons; wait for BGP.",
        discussion: "Running it again with the same topology changes nothing; a failure removes what it created.")

    @Argument(help: "Topology file.")
    var topology: String

    @Option(help: "Lab name, the prefix of every namespace (default: kdp-<topology name>).")
    var name: String?

    @Option(help: "iptables backend for kube-proxy's rules: nft or legacy.")
    var iptables: IptablesBackendArgument = .nft

    @Option(help: "Seconds to wait for BIRD to install the BGP routes.")
    var bgpTimeout: Double = 30

    @Flag(name: .shortAndLong, help: "Print each phase with the time it was reached.")
    var verbose = false

    func run() throws {
        do { try Lab.requirePrivilege("up") } catch { throw labFailure(error) }
        let cluster = try loadCluster(topology)
        let identity = labIdentity(cluster, path: topology, name: name)
        let start = Date()
        let result: Lab.UpResult
        do {
            result = try Lab.up(
                cluster: cluster, topology: topology, digest: identity.digest, name: identity.name,
                iptables: iptables.backend, bgpTimeout: bgpTimeout,
                progress: { message in
                    guard verbose else { return }
                    let elapsed = String(format: "%7.1f ms", Date().timeIntervalSince(start) * 1000)
                    FileHandle.standardError.write(Data("\(elapsed)  \(message)\n".utf8))
                })
        } catch { throw labFailure(error) }
        let elapsed = String(format: "%.1f ms", Date().timeIntervalSince(start) * 1000)
        switch result {
        case .unchanged:
            output("lab \(identity.name) is already up with \(topology); nothing changed\n")
        case .created(let namespaces, let links, let rulesets, let birds, let bgpSeconds, _):
            var line = "lab \(identity.name) up in \(elapsed): \(namespaces) namespaces, \(links) links"
            if rulesets > 0 { line += ", \(rulesets) iptables rule sets (\(iptables.backend.rawValue))" }
            if birds > 0 { line += ", \(birds) BIRD daemons" }
            if let bgpSeconds { line += String(format: ", BGP routes installed after %.1f s", bgpSeconds) }
            output(line + "\n")
        }
    }
}

/// `--iptables nft|legacy`.
enum IptablesBackendArgument: String, ExpressibleByArgument, CaseIterable {
    case nft, legacy
    var backend: IptablesBackend { self == .nft ? .nft : .legacy }
}

struct LabDown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Remove everything a lab created (also after an interrupted or killed up).")

    @Option(help: "Lab name (default: the only lab that is up).")
    var name: String?

    func run() throws {
        let lab = try chooseLab(name)
        let result: Lab.DownResult
        do { result = try Lab.down(name: lab) } catch { throw labFailure(error) }
        var line = "lab \(lab) down: removed \(result.namespaces.count) namespaces"
        if !result.processes.isEmpty { line += ", stopped \(result.processes.joined(separator: ", "))" }
        output(line + "\n")
    }
}

struct LabStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "List the labs and what each holds.")

    func run() throws {
        let labs = Ledger.labs()
        guard !labs.isEmpty else { return output("no labs are up\n") }
        for lab in labs {
            let ledger: Ledger?
            do { ledger = try Ledger.read(lab) } catch { throw labFailure(error) }
            guard let ledger else { continue }
            let present = ledger.namespaces.filter { KernelNamespace.exists($0) }.count
            let running = ledger.processes.filter { Lab.processAlive($0.pid) }
            output(
                "\(lab)\t\(ledger.isComplete ? "up" : "incomplete (interrupted up; run kdp lab down)")\t"
                    + "\(ledger.topology ?? "?")\n"
                    + "  namespaces: \(present)/\(ledger.namespaces.count) present, links: \(ledger.links.count)"
                    + ", processes: \(running.count)/\(ledger.processes.count) running"
                    + (running.isEmpty ? "" : " (\(running.map { "\($0.what) \($0.pid)" }.joined(separator: ", ")))")
                    + "\n")
        }
    }
}

struct LabExec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command inside a pod's (or node's, router's, host's) namespace of a lab.",
        discussion: "Equivalent to: ip netns exec LAB-pod-NAMESPACE-NAME CMD ...")

    @Argument(help: "Lab name.")
    var lab: String

    @Argument(help: "Pod (NAME or NAMESPACE/NAME), node, router or host.")
    var target: String

    @Argument(parsing: .captureForPassthrough, help: "The command (after --).")
    var command: [String] = []

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else { throw InputError(message: "kdp lab exec: give the command after --") }
        let ledger: Ledger?
        do { ledger = try Ledger.read(lab) } catch { throw labFailure(error) }
        guard let ledger, let topology = ledger.topology else {
            throw InputError(message: "kdp lab exec: no lab named \(lab)")
        }
        let cluster = try loadCluster(topology)
        guard let id = cluster.pod(target)?.netns ?? machineNamespace(cluster, target) else {
            throw InputError(message: "kdp lab exec: \(topology): unknown pod, node, router or host \"\(target)\"")
        }
        let netns = LabPlan.kernelName(lab: lab, cluster.dataplane.network.namespace(id).name)
        let argv = ["ip", "netns", "exec", netns] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        execvp("ip", &cArguments)
        throw InputError(message: "kdp lab exec: cannot run ip: \(String(cString: strerror(errno)))")
    }
}

struct LabScript: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Print the iproute2 shell script equivalent to `kdp lab up` (no BIRD, no waiting).")

    @Argument(help: "Topology file.")
    var topology: String

    @Option(help: "Lab name (default: kdp-<topology name>).")
    var name: String?

    @Option(help: "iptables backend the script restores kube-proxy's rules with: nft or legacy.")
    var iptables: IptablesBackendArgument = .nft

    func run() throws {
        let cluster = try loadCluster(topology)
        let identity = labIdentity(cluster, path: topology, name: name)
        do { try Ledger.validate(name: identity.name) } catch { throw labFailure(error) }
        do {
            output(try LabPlan(lab: identity.name, cluster: cluster).script(iptables: iptables.backend))
        } catch { throw labFailure(error) }
    }
}
