/// The kinds of object a `Manifest` holds, for naming one object to delete.
public enum ManifestKind: String, Hashable, Sendable, CaseIterable {
    /// `v1/Service`.
    case service = "Service"
    /// `discovery.k8s.io/v1` EndpointSlice.
    case endpointSlice = "EndpointSlice"
    /// `v1/Pod`.
    case pod = "Pod"
    /// `v1/Node` (not namespaced).
    case node = "Node"
}

extension Manifest {
    /// Creates or replaces every object of `changes` by kind, namespace and name, keeping the position of a
    /// replaced object and appending new ones.
    ///
    /// Kubernetes: `kubectl apply` of whole objects — what an informer then reports as add or update events.
    public mutating func apply(_ changes: Manifest) {
        for service in changes.services { Self.upsert(service, into: &services) { $0.key == service.key } }
        for slice in changes.slices {
            Self.upsert(slice, into: &slices) { $0.namespace == slice.namespace && $0.name == slice.name }
        }
        for pod in changes.pods {
            Self.upsert(pod, into: &pods) { $0.namespace == pod.namespace && $0.name == pod.name }
        }
        for node in changes.nodes { Self.upsert(node, into: &nodes) { $0.name == node.name } }
    }

    /// Deletes one object; false when there was none.
    ///
    /// Kubernetes: `kubectl delete KIND -n NAMESPACE NAME` — a Service's EndpointSlices stay unless deleted too.
    /// - Parameters:
    ///   - kind: the object's kind.
    ///   - namespace: its namespace (ignored for a Node).
    ///   - name: its name.
    @discardableResult
    public mutating func delete(_ kind: ManifestKind, namespace: String, name: String) -> Bool {
        let before = count(of: kind)
        switch kind {
        case .service: services.removeAll { $0.namespace == namespace && $0.name == name }
        case .endpointSlice: slices.removeAll { $0.namespace == namespace && $0.name == name }
        case .pod: pods.removeAll { $0.namespace == namespace && $0.name == name }
        case .node: nodes.removeAll { $0.name == name }
        }
        return count(of: kind) < before
    }

    /// Deletes every object of `objects` (matched by kind, namespace and name, whatever its content).
    public mutating func delete(objectsOf objects: Manifest) {
        for service in objects.services { delete(.service, namespace: service.namespace, name: service.name) }
        for slice in objects.slices { delete(.endpointSlice, namespace: slice.namespace, name: slice.name) }
        for pod in objects.pods { delete(.pod, namespace: pod.namespace, name: pod.name) }
        for node in objects.nodes { delete(.node, namespace: "", name: node.name) }
    }

    func count(of kind: ManifestKind) -> Int {
        switch kind {
        case .service: services.count
        case .endpointSlice: slices.count
        case .pod: pods.count
        case .node: nodes.count
        }
    }

    static func upsert<Object>(_ object: Object, into list: inout [Object], matching: (Object) -> Bool) {
        if let index = list.firstIndex(where: matching) {
            list[index] = object
        } else {
            list.append(object)
        }
    }
}
