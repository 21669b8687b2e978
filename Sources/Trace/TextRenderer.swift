import NetCore
import Routing
import Wire

/// Renders a trace as indented text at one of three levels (ovn-trace style).
public struct TextRenderer: Sendable {
    public var level: DetailLevel
    public init(level: DetailLevel) { self.level = level }

    public func render(_ trace: Trace) -> String {
        var lines = ["trace \(trace.source) → \(trace.destination): \(PacketPrinter.line(trace.packet))"]
        render(trace.root, depth: 1, into: &lines)
        switch trace.outcome {
        case .delivered(let place, let socket, let ttl)?:
            lines.append("verdict: delivered to \(place.netns) \(socket) (ttl \(ttl))")
        case .dropped(let place, let reason)?:
            lines.append("verdict: dropped at \(place): \(reason)")
        case nil:
            lines.append("verdict: unknown (walk ended without an outcome)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func render(_ branch: TraceBranch, depth: Int, into lines: inout [String]) {
        let pad = String(repeating: "  ", count: depth)
        for event in branch.events {
            switch event {
            case .fork(let branches):
                for child in branches {
                    if level == .minimal, let outcome = Trace.outcome(of: child),
                        case .dropped(_, let reason) = outcome,
                        reason.isIncidental
                    {
                        lines.append(pad + "[\(child.label ?? "copy")] dropped: \(reason)")
                        continue
                    }
                    lines.append(pad + "[\(child.label ?? "copy")]")
                    render(child, depth: depth + 1, into: &lines)
                }
            case .neighbor(let place, let address, let outcome):
                if let line = neighborLine(place, address, outcome) { lines.append(pad + line) }
                if level == .detailed {
                    switch outcome {
                    case .resolved(_, let exchange), .failed(let exchange):
                        render(exchange, depth: depth + 1, into: &lines)
                    default: break
                    }
                }
            case .icmpError(let place, let message, let walk):
                lines.append(pad + "\(place.netns): sends ICMP \(PacketPrinter.describe(message)) to the sender")
                render(walk, depth: depth + 1, into: &lines)
            default:
                if let line = line(for: event) {
                    // A VXLAN frame prints on two lines; keep the inner one under its event.
                    lines.append(pad + line.replacingNewlines(with: "\n" + pad + "    "))
                }
            }
        }
    }

    func neighborLine(_ place: TracePlace, _ address: IPv4Address, _ outcome: NeighborOutcome) -> String? {
        let head = "\(place.netns): neigh \(address) dev \(place.device ?? "?")"
        switch outcome {
        case .cached(let mac, let state):
            return level >= .summary ? "\(head) → \(mac) (\(state.rawValue), cached)" : nil
        case .resolved(let mac, _): return "\(head) → \(mac) (ARP who-has/is-at)"
        case .failed: return "\(head) → FAILED (ARP got no reply)"
        case .noARP: return level >= .summary ? "\(head) → NOARP device" : nil
        }
    }

    // One event's line at this level, or nil when the level hides it.
    func line(for event: TraceEvent) -> String? {
        switch event {
        case .originate(let place, let packet):
            guard level >= .summary else { return nil }
            if case .icmp(let message) = packet.payload, message.isError {
                return "\(place.netns): kernel sends \(PacketPrinter.line(packet))"
            }
            return "\(place.netns): socket sends"
        case .routeLookup(let place, let direction, let destination, let route, let table):
            let tableNote = table.map { $0 == .main ? "" : " (table \($0))" } ?? ""
            let result = route.map { "\($0)\(tableNote)" } ?? "no route"
            return "\(place.netns): route \(direction.rawValue) \(destination) → \(result)"
        case .forward(let place, let from, let to, let before, let after):
            return "\(place.netns): forward \(from) → \(to), ttl \(before) → \(after)"
        case .transmit(let place, let frame):
            return level == .detailed ? "\(place): tx \(PacketPrinter.line(frame, linkLevel: true))" : nil
        case .link(let from, let to, let medium):
            return "\(from) → \(to) (\(medium))"
        case .bridge(let place, let port, let learned, let decision):
            return bridgeLine(place, port, learned, decision)
        case .receive(let place, let frame):
            return level == .detailed ? "\(place): rx \(PacketPrinter.line(frame))" : nil
        case .arpLearn(let place, let address, let mac):
            return level == .detailed ? "\(place): neigh learns \(address) lladdr \(mac)" : nil
        case .arpReply(let place, let address, let target):
            return level == .detailed ? "\(place): ARP reply \(address) is-at → \(target)" : nil
        case .delivered(let place, let socket, let ttl):
            return "\(place.netns): delivered to \(socket) (ttl \(ttl))"
        case .dropped(let place, let reason):
            return "\(place): dropped: \(reason)"
        case .encapsulate(let place, let vni, let outer):
            let udp = outer.ports.map { " udp \($0.source) > \($0.destination)" } ?? ""
            var fdb = ""
            if case .udp(let datagram) = outer.payload, case .vxlan(_, let inner) = datagram.payload {
                fdb = " fdb \(inner.header.destination) dst \(outer.header.destination):"
            }
            return "\(place): vxlan encap vni \(vni):\(fdb) outer \(outer.header.source) > \(outer.header.destination)"
                + "\(udp), ttl \(outer.header.timeToLive)"
        case .decapsulate(let place, let vni, let from):
            return "\(place): vxlan decap vni \(vni) from \(from)"
        case .netfilter(let place, let hook, let table, let chain, let rule, let text, let decisive):
            guard decisive || level >= .summary else { return nil }
            return "\(place.netns): \(hook) \(table) \(chain) #\(rule): \(text)"
        case .conntrack(let place, let hook, let state, let entry, let created):
            guard level >= .summary else { return nil }
            return "\(place.netns): \(hook) conntrack \(state)\(created ? " (new entry)" : ""): \(entry)"
        case .nat(let place, let hook, let kind, let from, let to):
            return "\(place.netns): \(hook) \(kind) \(from) → \(to)"
        case .routingLoop(let place, let route):
            return
                "\(place.netns): routing loop: forwarding the same packet again via \(route) (TTL expiry will end it)"
        case .fork, .neighbor, .icmpError:
            return nil
        }
    }

    func bridgeLine(_ place: TracePlace, _ port: String, _ learned: MACAddress?, _ decision: BridgeDecision) -> String?
    {
        let learnText = learned.map { ", learned \($0) on \(port)" } ?? ""
        let direction = port == place.device ? "bridge xmit from the host" : "bridge in \(port)"
        let head = "\(place): \(direction)\(level >= .summary ? learnText : "")"
        switch decision {
        case .forward(let out): return "\(head), fdb hit → \(out)"
        case .local: return "\(head), fdb local → host stack"
        case .broadcast(let ports):
            let targets = ports.joined(separator: " ")
            return port == place.device
                ? "\(head), broadcast → flood \(targets)" : "\(head), broadcast → host + flood \(targets)"
        case .flood(let ports): return "\(head), fdb miss → flood \(ports.joined(separator: " "))"
        case .filteredIngress(let out): return "\(head), fdb hit → \(out) = ingress port, hairpin off: not sent back"
        }
    }
}

extension String {
    func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
