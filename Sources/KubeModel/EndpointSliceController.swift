import NetCore

/// What the EndpointSlice controller would write for Services that select pods.
///
/// Kubernetes: `pkg/controller/endpointslice` — one endpoint per pod with an IP whose labels match the
/// selector, in the Service's namespace; `ready` from the pod's Ready condition (false while terminating),
/// `serving` ready-ness regardless of termination, `terminating` from the deletion timestamp; named
/// targetPorts resolved against each pod's container ports, pods resolving to different numbers landing in
/// different slices. Services that already have slices in the input keep them (explicit slices win).
public enum EndpointSliceController {
    /// The explicit slices plus generated ones for selector Services without any.
    public static func reconcile(_ manifest: Manifest) -> [EndpointSlice] {
        let explicit = Set(manifest.slices.map(\.serviceKey))
        var slices = manifest.slices
        for service in manifest.services where !explicit.contains(service.key) {
            guard let selector = service.selector else { continue }
            let pods = manifest.pods.filter { pod in
                pod.namespace == service.namespace && pod.ip != nil
                    && selector.allSatisfy { pod.labels[$0.key] == $0.value }
            }
            slices += generate(for: service, pods: pods)
        }
        return slices
    }

    static func generate(for service: Service, pods: [Pod]) -> [EndpointSlice] {
        // Group pods by how the Service's ports resolve on them (a named port may differ per pod).
        var groups: [[EndpointPort]: [Endpoint]] = [:]
        var order: [[EndpointPort]] = []
        for pod in pods.sorted(by: { ($0.name) < ($1.name) }) {
            guard let ip = pod.ip else { continue }
            let ports = service.ports.compactMap { port -> EndpointPort? in
                switch port.targetPort {
                case .number(let number): return EndpointPort(name: port.name, port: number, proto: port.proto)
                case .name(let name):
                    guard let container = pod.ports.first(where: { $0.name == name && $0.proto == port.proto }) else {
                        return nil
                    }
                    return EndpointPort(name: port.name, port: container.port, proto: port.proto)
                }
            }
            let endpoint = Endpoint(
                addresses: [ip],
                conditions: EndpointConditions(
                    ready: pod.isReady && !pod.isTerminating, serving: pod.isReady, terminating: pod.isTerminating),
                nodeName: pod.nodeName)
            if groups[ports] == nil { order.append(ports) }
            groups[ports, default: []].append(endpoint)
        }
        return order.enumerated().map { index, ports in
            EndpointSlice(
                namespace: service.namespace, name: "\(service.name)-generated-\(index + 1)", serviceName: service.name,
                endpoints: groups[ports] ?? [], ports: ports, isGenerated: true)
        }
    }
}
