import NetCore

/// The `xt_recent` lists of one network namespace: per list name, per address, when it was last seen.
///
/// Linux: `net/netfilter/xt_recent.c` — `--set` records and matches, `--rcheck` matches when the address
/// is listed (within `--seconds`), `--update` also refreshes it, `--remove` deletes it, `--reap` drops
/// entries older than `--seconds`. Each list holds at most 100 addresses (`ip_list_tot`).
public struct RecentTable: Hashable, Sendable {
    public private(set) var lists: [String: [IPv4Address: Instant]] = [:]
    public static let capacity = 100

    public init() {}

    /// Applies a recent match for `address` at `now`; returns whether it matches.
    public mutating func evaluate(_ match: RecentMatch, address: IPv4Address, now: Instant) -> Bool {
        let name = match.name ?? "DEFAULT"
        // Edited in place: a copy of the list per packet would cost up to `capacity` entries each time.
        return Self.evaluate(match, address: address, now: now, in: &lists[name, default: [:]])
    }

    private static func evaluate(
        _ match: RecentMatch, address: IPv4Address, now: Instant, in list: inout [IPv4Address: Instant]
    ) -> Bool {
        func fresh(_ seen: Instant) -> Bool {
            guard let seconds = match.seconds else { return true }
            return now.seconds(since: seen) <= Double(seconds)
        }
        if match.reap, match.seconds != nil { list = list.filter { fresh($0.value) } }
        var hit: Bool
        switch match.command {
        case .set:
            if list[address] == nil, list.count >= capacity, let oldest = list.min(by: { $0.value < $1.value }) {
                list[oldest.key] = nil
            }
            list[address] = now
            hit = true
        case .rcheck:
            hit = list[address].map(fresh) ?? false
        case .update:
            hit = list[address].map(fresh) ?? false
            if hit { list[address] = now }
        case .remove:
            hit = list[address] != nil
            list[address] = nil
        }
        return hit != match.negated
    }
}
