import Wire

/// Renders a trace's main path (and ICMP errors) as a Mermaid `sequenceDiagram`: one participant per
/// network namespace, one message per link crossed, notes for routing decisions and the verdict.
public enum MermaidRenderer {
    public static func render(_ trace: Trace) -> String {
        var participants: [String] = []
        var body: [String] = []
        func id(_ netns: String) -> String {
            if !participants.contains(netns) { participants.append(netns) }
            return "P\(participants.firstIndex(of: netns) ?? 0)"
        }
        _ = id(trace.source)
        walk(trace.root, id: id, into: &body)
        if let outcome = trace.outcome {
            switch outcome {
            case .delivered(let place, let socket, let ttl):
                body.append("    Note over \(id(place.netns)): delivered \(socket) (ttl \(ttl))")
            case .dropped(let place, let reason):
                body.append("    Note over \(id(place.netns)): dropped: \(escape(reason.description))")
            }
        }
        var lines = ["sequenceDiagram"]
        for (index, name) in participants.enumerated() { lines.append("    participant P\(index) as \(escape(name))") }
        return (lines + body).joined(separator: "\n") + "\n"
    }

    static func walk(_ branch: TraceBranch, id: (String) -> String, into body: inout [String]) {
        for event in branch.events {
            switch event {
            case .link(let from, let to, let medium):
                body.append(
                    "    \(id(from.netns))->>\(id(to.netns)): \(escape("\(from.device ?? "") → \(to.device ?? "") (\(medium))"))"
                )
            case .routeLookup(let place, _, _, let route, _):
                body.append("    Note over \(id(place.netns)): \(escape(route.map { "route \($0)" } ?? "no route"))")
            case .encapsulate(let place, let vni, let outer):
                body.append(
                    "    Note over \(id(place.netns)): vxlan encap vni \(vni) → \(outer.header.destination)")
            case .decapsulate(let place, let vni, _):
                body.append("    Note over \(id(place.netns)): vxlan decap vni \(vni)")
            case .nat(let place, let hook, let kind, let from, let to):
                body.append("    Note over \(id(place.netns)): \(escape("\(hook) \(kind) \(from) → \(to)"))")
            case .forward(let place, _, _, let before, let after):
                body.append("    Note over \(id(place.netns)): forward, ttl \(before)→\(after)")
            case .fork(let branches):
                // Follow the branches that do something other than an incidental drop.
                for child in branches {
                    if case .dropped(_, let reason)? = Trace.outcome(of: child), reason.isIncidental { continue }
                    walk(child, id: id, into: &body)
                }
            case .icmpError(let place, let message, let walk_):
                body.append("    Note over \(id(place.netns)): ICMP \(escape(PacketPrinter.describe(message)))")
                walk(walk_, id: id, into: &body)
            default: continue
            }
        }
    }

    static func escape(_ text: String) -> String {
        String(text.compactMap { $0 == "#" ? nil : $0 == ";" ? "," : $0 })
    }
}
