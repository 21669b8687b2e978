import ArgumentParser
import KubeModel
import KubeProxy
import Netfilter

extension RulesCommand {
    /// `kdp rules sync`: kube-proxy's successive syncs over a scenario of object changes.
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract:
                "Run kube-proxy's syncs over a sequence of changes: full first, partial after, stale chains deleted.",
            discussion: """
                The manifests are the initial state. --steps is a JSON or YAML list of \
                steps (a conformance steps.json is one). Each step makes its changes, \
                then syncs once, as kube-proxy's event handlers and syncProxyRules do.

                Step keys (all optional; other keys are ignored):
                  step: the number shown in the output (default: list position)
                  objects: file(s) whose objects are created or replaced
                  delete: "KIND NS/NAME" (Service, EndpointSlice, Pod; "Node NAME")
                    or files whose objects are deleted
                  iptables: commands run on the node before the sync, as another
                    agent would: "-t nat -A CHAIN RULE…", -I, -D, -N, -F, -X
                  advance: seconds, a duration (31s, 1h) or "syncPeriod" (just
                    past it) that the clock moves before the sync
                  fullSync: true forces a full sync (forceSyncProxyRules)
                  sync: false only makes the changes; the next sync sees them
                  action: free text. Without delete, iptables, advance and
                    fullSync it is read for "delete KIND NS/NAME", "append 'RULE'
                    to live TABLE chain CHAIN", "force a full sync" and
                    "lastIPTablesCleanup = now - syncPeriod - 1"
                Object files are relative to --dir (default: the steps file's \
                directory). Time moves only when a step says so; syncPeriod comes \
                from the proxy config (default 30s).

                Output, per sync: a marker line, "# restore error: …" if the
                restore failed, then the iptables-restore payload:
                  # kdp sync step=N sync=full|partial restore=ok|failed
                    nat-rules-synced=N nat-rules-total=N nat-rules-kernel=N
                    deleted-chains=N large-cluster=true|false
                (the marker is one line). The first sync is full. Later ones are \
                partial: the filter table and the nat top-level chains in full, \
                the KUBE-SVC/SVL/EXT/FW/SEP chains only of Services whose Service \
                or EndpointSlices changed. Stale chains are declared and deleted \
                with -X (in large-cluster mode at most once per syncPeriod). A \
                failed restore (e.g. -X of a chain a rule still jumps to) leaves \
                the nat table as it was and makes the next sync full. \
                nat-rules-synced and nat-rules-total are kube-proxy's metrics \
                (nat rules written; nat rules of all current services, written or \
                not); nat-rules-kernel counts the rules in the node's nat user \
                chains afterwards, which also holds stale chains not yet deleted.

                Example:
                  kdp rules sync --proxy-config proxy.yaml --steps steps.json input.yaml
                """)

        @OptionGroup var inputs: Inputs

        @Option(help: "The steps file (JSON or YAML list of steps).")
        var steps: String

        @Option(help: "Directory the steps' object files are relative to (default: the steps file's directory).")
        var dir: String?

        @Flag(help: "After the last step, print the node's tables as iptables-save would (jump rules included).")
        var state = false

        func run() throws {
            let (config, initial) = try inputs.load()
            let scenario: [SyncStep]
            do { scenario = try SyncStep.load(path: steps, directory: dir) } catch {
                throw InputError(message: error.description)
            }
            var objects = initial
            var proxier = IptablesProxier(config: config)
            var text = ""
            for step in scenario {
                let result: IptablesSyncResult?
                do { result = try proxier.run(step, objects: &objects) } catch {
                    throw InputError(message: error.description)
                }
                guard let result else { continue }
                text += Self.marker(step: step.number, result)
                text += result.payload.text
            }
            if state {
                text += "# kdp state after the last step\n"
                text += SavePrinter().print(proxier.ruleset)
            }
            output(text)
        }

        /// `# kdp sync step=N …` and, for a failed restore, `# restore error: …`.
        static func marker(step: Int, _ result: IptablesSyncResult) -> String {
            var line = "# kdp sync step=\(step) sync=\(result.isFull ? "full" : "partial")"
            line += " restore=\(result.restoreError == nil ? "ok" : "failed")"
            line += " nat-rules-synced=\(result.natRulesSynced)"
            line += " nat-rules-total=\(result.natRulesTotal) nat-rules-kernel=\(result.natRulesInKernel)"
            line += " deleted-chains=\(result.deletedChains.count) large-cluster=\(result.largeClusterMode)\n"
            if let error = result.restoreError { line += "# restore error: \(error)\n" }
            return line
        }
    }
}
