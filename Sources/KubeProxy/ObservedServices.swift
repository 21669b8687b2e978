import KubeModel

/// What one sync saw of every Service and of the EndpointSlices of each, reduced to what kube-proxy compares:
/// the next sync's partial write covers the Services whose entry differs.
///
/// kube-proxy: `ServiceChangeTracker` (a Service counts as updated unless its service ports are unchanged, so
/// labels, selector and metadata do not matter) and `EndpointSliceCache.esInfoChanged` (a slice counts when its
/// ports or its endpoints, in address order, changed; adding or removing a slice always counts). The trackers
/// record events; comparing snapshots gives the same set except for an object changed and changed back between
/// two syncs, which kube-proxy's endpoints tracker still reports.
struct ObservedServices: Equatable, Sendable {
    /// Services by `namespace/name`, without the fields kube-proxy ignores.
    var services: [String: Service] = [:]
    /// Per Service key, its slices by name, endpoints in a canonical order.
    var slices: [String: [String: EndpointSlice]] = [:]

    init() {}

    init(services: [Service], slices: [EndpointSlice]) {
        for service in services {
            var seen = service
            seen.line = 0
            seen.labels = [:]
            seen.selector = nil
            self.services[service.key] = seen
        }
        for slice in slices {
            var seen = slice
            seen.line = 0
            seen.isGenerated = false
            seen.endpoints = slice.endpoints.map { (String(describing: $0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            self.slices[slice.serviceKey, default: [:]][slice.name] = seen
        }
    }

    /// The keys of the Services whose Service object or EndpointSlices differ from `previous`, including
    /// Services that were deleted or whose slices belong to no Service (nothing is written for those).
    func changedServices(since previous: ObservedServices) -> Set<String> {
        var changed: Set<String> = []
        for key in Set(services.keys).union(previous.services.keys) where services[key] != previous.services[key] {
            changed.insert(key)
        }
        for key in Set(slices.keys).union(previous.slices.keys) where slices[key] != previous.slices[key] {
            changed.insert(key)
        }
        return changed
    }
}
