import ArgumentParser
import Dataplane
import Foundation
import Lab
import Scenario

struct LabShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract:
            "Read a lab namespace's routes, neighbours, FDB, links or addresses back from the kernel and diff them with the emulator.",
        discussion: """
            Prints `- LINE` for what only the emulator has and `+ LINE` for what only the kernel has; nothing when \
            they agree (exit 0), exit 1 when they differ. --full prints both listings.
            """)

    @Argument(help: "Lab name.")
    var lab: String

    @Option(help: "Node, router or host name.")
    var node: String?

    @Option(help: "Pod (NAME or NAMESPACE/NAME) instead of a node.")
    var pod: String?

    @Flag(help: "Print the kernel's listing and the emulator's, not only the difference.")
    var full = false

    @Argument(help: "routes, neigh, fdb, links or addrs.")
    var what: LabReadBack.What = .routes

    func validate() throws {
        guard (node == nil) != (pod == nil) else { throw ValidationError("give exactly one of --node or --pod") }
    }

    func run() throws {
        let ledger: Ledger?
        do { ledger = try Ledger.read(lab) } catch { throw labFailure(error) }
        guard let ledger, let topology = ledger.topology else {
            throw InputError(message: "kdp lab show: no lab named \(lab)")
        }
        let cluster = try loadCluster(topology)
        let netns = try namespaceOption(cluster, topology: topology, node: node, pod: pod)
        let comparison: LabReadBack.Comparison
        do { comparison = try LabReadBack.compare(lab: lab, cluster: cluster, netns: netns, what: what) } catch {
            throw labFailure(error)
        }
        if full {
            output("# kernel\n" + comparison.kernel.map { $0 + "\n" }.joined())
            output("# emulator\n" + comparison.emulator.map { $0 + "\n" }.joined())
            if !comparison.agrees { output("# difference\n") }
        }
        output(
            comparison.onlyEmulator.map { "- \($0)\n" }.joined() + comparison.onlyKernel.map { "+ \($0)\n" }.joined())
        if !comparison.agrees { throw ExitCode(1) }
    }
}

extension LabReadBack.What: ExpressibleByArgument {}
