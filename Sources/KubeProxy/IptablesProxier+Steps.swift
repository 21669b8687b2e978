import KubeModel
import YAMLReader

extension IptablesProxier {
    /// Runs one step of a scenario: its object changes on `objects`, its iptables commands on the node, the
    /// clock, then one sync over the objects (EndpointSlices for selector Services without any are generated from
    /// the pods, as the EndpointSlice controller would).
    ///
    /// kube-proxy: informer events, then `syncProxyRules`.
    /// - Returns: the sync's result, or nil for a step with `sync: false`.
    public mutating func run(_ step: SyncStep, objects: inout Manifest) throws(LocatedError) -> IptablesSyncResult? {
        for path in step.applyFiles { objects.apply(try ManifestLoader.load(paths: [path])) }
        for path in step.deleteFiles { objects.delete(objectsOf: try ManifestLoader.load(paths: [path])) }
        for reference in step.deletions
        where !objects.delete(reference.kind, namespace: reference.namespace, name: reference.name) {
            throw LocatedError(
                file: step.file, line: step.line, field: "step \(step.number)",
                problem: .unknownReference(
                    kind: reference.kind.rawValue,
                    name: reference.namespace.isEmpty ? reference.name : "\(reference.namespace)/\(reference.name)"))
        }
        for command in step.iptablesCommands {
            do { ruleset = try IptablesCommand.run(command, on: ruleset) } catch {
                throw LocatedError(
                    file: step.file, line: step.line, field: "step \(step.number)", problem: .kernel(error.description))
            }
        }
        switch step.advance {
        case .seconds(let seconds): advance(bySeconds: seconds)
        case .pastSyncPeriod: advance(bySeconds: config.syncPeriod + 1)
        case nil: break
        }
        if step.forceFullSync { requestFullSync() }
        guard step.syncs else { return nil }
        return sync(services: objects.services, slices: EndpointSliceController.reconcile(objects))
    }
}
