import NetCore
import Routing
import Wire

/// Renders a trace as JSON, schema `kdp.trace/v1` (docs/trace-json.md). Every event is an object with a
/// `kind` and the same fields at every level of detail; consumers filter, the schema does not.
public enum JSONRenderer {
    public static let schema = "kdp.trace/v1"

    public static func render(_ trace: Trace) -> String { value(trace).serialized() + "\n" }

    public static func value(_ trace: Trace) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("source", .string(trace.source)),
            ("destination", .string(trace.destination)),
            ("packet", packet(trace.packet)),
            ("outcome", outcome(trace.outcome)),
            ("events", branch(trace.root)),
        ])
    }

    static func packet(_ packet: IPv4Packet) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("protocol", .string("\(packet.header.protocol)")),
            ("source", .string("\(packet.header.source)")),
            ("destination", .string("\(packet.header.destination)")),
            ("ttl", .number(Int(packet.header.timeToLive))),
            ("length", .number(packet.totalLength)),
        ]
        if let ports = packet.ports {
            pairs.append(("sourcePort", .number(Int(ports.source))))
            pairs.append(("destinationPort", .number(Int(ports.destination))))
        }
        pairs.append(("summary", .string(PacketPrinter.line(packet))))
        return .object(pairs)
    }

    static func outcome(_ outcome: TraceOutcome?) -> JSONValue {
        switch outcome {
        case .delivered(let place, let socket, let ttl)?:
            .object([
                ("verdict", .string("delivered")), ("place", placeValue(place)), ("socket", .string(socket)),
                ("ttl", .number(Int(ttl))),
            ])
        case .dropped(let place, let reason)?:
            .object([
                ("verdict", .string("dropped")), ("place", placeValue(place)), ("reason", .string(reason.code)),
                ("message", .string(reason.description)),
            ])
        case nil: .null
        }
    }

    static func placeValue(_ place: TracePlace) -> JSONValue {
        .object([("netns", .string(place.netns)), ("device", place.device.map(JSONValue.string) ?? .null)])
    }

    static func branch(_ branch: TraceBranch) -> JSONValue { .array(branch.events.map(event)) }

    static func event(_ event: TraceEvent) -> JSONValue {
        func make(_ kind: String, _ place: TracePlace?, _ fields: [(String, JSONValue)]) -> JSONValue {
            .object([("kind", .string(kind))] + (place.map { [("place", placeValue($0))] } ?? []) + fields)
        }
        switch event {
        case .originate(let place, let p):
            return make("originate", place, [("packet", packet(p))])
        case .routeLookup(let place, let direction, let destination, let route, let table):
            return make(
                "route", place,
                [
                    ("direction", .string(direction.rawValue)), ("destination", .string("\(destination)")),
                    ("route", route.map { .string($0.description) } ?? .null),
                    ("type", route.map { .string($0.type.rawValue) } ?? .null),
                    ("table", table.map { .string($0.description) } ?? .null),
                ])
        case .forward(let place, let from, let to, let before, let after):
            return make(
                "forward", place,
                [
                    ("in", .string(from)), ("out", .string(to)), ("ttlBefore", .number(Int(before))),
                    ("ttlAfter", .number(Int(after))),
                ])
        case .neighbor(let place, let address, let outcome):
            var fields: [(String, JSONValue)] = [("address", .string("\(address)"))]
            switch outcome {
            case .cached(let mac, let state):
                fields += [
                    ("result", .string("cached")), ("lladdr", .string("\(mac)")), ("state", .string(state.rawValue)),
                ]
            case .resolved(let mac, let exchange):
                fields += [
                    ("result", .string("resolved")), ("lladdr", .string("\(mac)")), ("exchange", branch(exchange)),
                ]
            case .failed(let exchange): fields += [("result", .string("failed")), ("exchange", branch(exchange))]
            case .noARP: fields += [("result", .string("noarp"))]
            }
            return make("neighbor", place, fields)
        case .transmit(let place, let frame):
            return make(
                "transmit", place,
                [
                    ("sourceMAC", .string("\(frame.header.source)")),
                    ("destinationMAC", .string("\(frame.header.destination)")),
                    ("length", .number(frame.length)), ("summary", .string(PacketPrinter.line(frame))),
                ])
        case .link(let from, let to, let medium):
            return make("link", nil, [("from", placeValue(from)), ("to", placeValue(to)), ("medium", .string(medium))])
        case .bridge(let place, let port, let learned, let decision):
            return make(
                "bridge", place,
                [("port", .string(port)), ("learned", learned.map { .string("\($0)") } ?? .null)]
                    + bridgeDecision(decision))
        case .receive(let place, let frame):
            return make("receive", place, [("summary", .string(PacketPrinter.line(frame)))])
        case .arpLearn(let place, let address, let mac):
            return make("arp-learn", place, [("address", .string("\(address)")), ("lladdr", .string("\(mac)"))])
        case .arpReply(let place, let address, let target):
            return make("arp-reply", place, [("address", .string("\(address)")), ("to", .string("\(target)"))])
        case .fork(let branches):
            return make(
                "fork", nil,
                [
                    (
                        "branches",
                        .array(branches.map { .object([("label", .string($0.label ?? "")), ("events", branch($0))]) })
                    )
                ])
        case .icmpError(let place, let message, let walk):
            return make(
                "icmp-error", place,
                [
                    ("type", .number(Int(message.type))), ("code", .number(Int(message.code))),
                    ("summary", .string(PacketPrinter.describe(message))), ("events", branch(walk)),
                ])
        case .delivered(let place, let socket, let ttl):
            return make("delivered", place, [("socket", .string(socket)), ("ttl", .number(Int(ttl)))])
        case .encapsulate(let place, let vni, let outer):
            return make("encapsulate", place, [("vni", .number(Int(vni))), ("outer", packet(outer))])
        case .decapsulate(let place, let vni, let from):
            return make("decapsulate", place, [("vni", .number(Int(vni))), ("from", .string("\(from)"))])
        case .netfilter(let place, let hook, let table, let chain, let rule, let text, let decisive):
            return make(
                "netfilter", place,
                [
                    ("hook", .string(hook)), ("table", .string(table)), ("chain", .string(chain)),
                    ("rule", .number(rule)), ("decisive", .bool(decisive)), ("text", .string(text)),
                ])
        case .conntrack(let place, let hook, let state, let entry, let created):
            return make(
                "conntrack", place,
                [
                    ("hook", .string(hook)), ("state", .string(state)), ("entry", .string(entry)),
                    ("created", .bool(created)),
                ])
        case .nat(let place, let hook, let kind, let from, let to):
            return make(
                "nat", place,
                [("hook", .string(hook)), ("action", .string(kind)), ("from", .string(from)), ("to", .string(to))])
        case .routingLoop(let place, let route):
            return make("routing-loop", place, [("route", .string(route.description))])
        case .dropped(let place, let reason):
            return make("dropped", place, [("reason", .string(reason.code)), ("message", .string(reason.description))])
        }
    }

    static func bridgeDecision(_ decision: BridgeDecision) -> [(String, JSONValue)] {
        switch decision {
        case .forward(let port): [("decision", .string("forward")), ("ports", .array([.string(port)]))]
        case .local: [("decision", .string("local")), ("ports", .array([]))]
        case .broadcast(let ports):
            [("decision", .string("broadcast")), ("ports", .array(ports.map(JSONValue.string)))]
        case .flood(let ports): [("decision", .string("flood")), ("ports", .array(ports.map(JSONValue.string)))]
        case .filteredIngress(let port):
            [("decision", .string("filtered-ingress")), ("ports", .array([.string(port)]))]
        }
    }
}
