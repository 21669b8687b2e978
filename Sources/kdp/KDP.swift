import ArgumentParser
import Foundation

/// The kdp command line: a thin layer of ArgumentParser structs over the libraries.
@main
struct KDP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdp",
        abstract: "A Kubernetes network dataplane emulator: trace a packet through netns, bridges and routes.",
        discussion: """
            Examples:
              kdp trace topologies/two-nodes-routed.yaml --from client --to web-b
              kdp trace topologies/single-node.yaml --from client --to 10.244.1.99 --proto icmp --detail detailed
              kdp topology check topologies/two-nodes-routed.yaml
              kdp show topologies/two-nodes-routed.yaml --node node-a routes
            """,
        version: "0.1.0",
        subcommands: [
            TraceCommand.self, TopologyCommand.self, ShowCommand.self, BGPCommand.self, BIRDConfigCommand.self,
            RulesCommand.self, LabCommand.self,
            BenchCommand.self,
        ]
    )

    /// Runs the command; input and usage errors exit with status 2 (the project's contract), not 64.
    static func mainExitingOnBadInput() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    static func main() { mainExitingOnBadInput() }
}

/// Bad input found while running (unknown pod, invalid topology): printed as is, exit status 2.
struct InputError: Error {
    var message: String
}

/// Writes to stdout without buffering surprises.
func output(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
