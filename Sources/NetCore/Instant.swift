/// A point on the emulator's simulated clock, in nanoseconds since the scenario started.
///
/// Time is an input everywhere (FDB ageing, neighbour states, conntrack timeouts): nothing reads the wall
/// clock.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of a scenario.
    public static let zero = Instant(nanoseconds: 0)

    public static func seconds(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64(seconds * 1e9)) }

    /// This instant moved forward by `seconds`.
    public func advanced(bySeconds seconds: Double) -> Instant {
        Instant(nanoseconds: nanoseconds + Int64(seconds * 1e9))
    }

    /// This instant moved forward by `nanoseconds`.
    public func advanced(byNanoseconds delta: Int64) -> Instant { Instant(nanoseconds: nanoseconds + delta) }

    /// Seconds elapsed since `earlier`.
    public func seconds(since earlier: Instant) -> Double { Double(nanoseconds - earlier.nanoseconds) / 1e9 }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
