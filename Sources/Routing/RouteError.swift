import NetCore

/// Why a route could not be installed or parsed, in the words `ip route` uses.
public enum RouteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The gateway is not reachable through a connected route on the device (and `onlink` was not given).
    /// Linux: `fib_check_nh` → `Error: Nexthop has invalid gateway.`
    case invalidGateway(route: String)
    /// The named device does not exist in this namespace. `Cannot find device "X"`.
    case unknownDevice(String)
    /// An identical route already exists. `RTNETLINK answers: File exists`.
    case exists(route: String)
    /// Route text that is not `ip route` syntax.
    case syntax(text: String, problem: String)

    public var description: String {
        switch self {
        case .invalidGateway(let route): "Error: Nexthop has invalid gateway. (ip route add \(route))"
        case .unknownDevice(let name): "Cannot find device \"\(name)\""
        case .exists(let route): "RTNETLINK answers: File exists (ip route add \(route))"
        case .syntax(let text, let problem): "invalid route \"\(text)\": \(problem)"
        }
    }
}
