import NetCore

extension Route {
    /// Parses `ip route add` arguments: `[TYPE] PREFIX|default [via GW] [dev DEV] [proto P] [scope S]
    /// [src A] [metric N] [table T] [onlink]`.
    public init(parsing text: String) throws(RouteError) {
        var words = text.split(separator: " ").map(String.init)[...]
        var type = RouteType.unicast
        if let first = words.first, let parsed = RouteType(rawValue: first) {
            type = parsed
            words = words.dropFirst()
        }
        guard let destinationWord = words.popFirst() else { throw .syntax(text: text, problem: "missing destination") }
        let destination: IPv4Prefix
        if destinationWord == "default" {
            destination = .defaultRoute
        } else if let prefix = IPv4Prefix(destinationWord) {
            guard prefix.isNetwork else {
                throw .syntax(
                    text: text,
                    problem: "\(destinationWord) has host bits set (Error: Invalid prefix for given prefix length.)")
            }
            destination = prefix
        } else {
            throw .syntax(text: text, problem: "\"\(destinationWord)\" is not a prefix")
        }
        var route = Route(type: type, destination: destination)
        var explicitScope: RouteScope?
        while let keyword = words.popFirst() {
            if keyword == "onlink" {
                route.onlink = true
                continue
            }
            guard let value = words.popFirst() else { throw .syntax(text: text, problem: "\(keyword) needs a value") }
            switch keyword {
            case "via":
                guard let gateway = IPv4Address(value) else {
                    throw .syntax(text: text, problem: "bad gateway \(value)")
                }
                route.gateway = gateway
            case "dev": route.device = value
            case "proto": route.proto = RouteProtocol(rawValue: value)
            case "scope":
                guard let scope = RouteScope(rawValue: value == "universe" ? "global" : value) else {
                    throw .syntax(text: text, problem: "bad scope \(value)")
                }
                explicitScope = scope
            case "src":
                guard let source = IPv4Address(value) else { throw .syntax(text: text, problem: "bad src \(value)") }
                route.source = source
            case "metric":
                guard let metric = UInt32(value) else { throw .syntax(text: text, problem: "bad metric \(value)") }
                route.metric = metric
            case "table":
                switch value {
                case "main": route.table = .main
                case "local": route.table = .local
                case "default": route.table = .default
                default:
                    guard let id = UInt32(value) else { throw .syntax(text: text, problem: "bad table \(value)") }
                    route.table = RouteTableID(rawValue: id)
                }
            default: throw .syntax(text: text, problem: "unknown keyword \"\(keyword)\"")
            }
        }
        route.scope = explicitScope ?? Route.defaultScope(type: type, hasGateway: route.gateway != nil)
        self = route
    }
}
