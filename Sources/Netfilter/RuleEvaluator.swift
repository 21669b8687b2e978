import NetCore
import Wire

/// A rule that matched and acted, as a trace shows it.
public struct RuleHit: Hashable, Sendable {
    public var table: NetfilterTable.Name
    public var chain: String
    /// 1-based position in the chain (`iptables -L --line-numbers`).
    public var number: Int
    /// The rule as `iptables-save` prints it (`-A CHAIN …`).
    public var text: String
}

/// What a table decided for a packet at a hook.
public enum NetfilterVerdict: Hashable, Sendable {
    case accept
    case drop
    case reject(RejectTarget.RejectType)
}

/// A NAT decision made by the nat table for a new connection.
public enum NATDecision: Hashable, Sendable {
    case dnat(NATTarget)
    case snat(NATTarget)
    case masquerade(MasqueradeTarget)
}

/// The result of running one table at one hook.
public struct TableOutcome: Sendable {
    public var verdict: NetfilterVerdict
    public var hits: [RuleHit]
    /// The jumps leading to the deciding rule, and that rule (empty when the table fell through).
    public var path: [RuleHit] = []
    public var nat: NATDecision?
    /// The mark after MARK targets.
    public var mark: UInt32
    /// The rule (or chain policy) that decided a DROP or REJECT.
    public var decidedBy: RuleHit?
}

/// Runs a table's chains for one packet, as `ipt_do_table` does: rules in order, jumps and gotos with a
/// return stack, RETURN, the built-in chain's policy at its end, terminal targets stopping the table.
public struct RuleEvaluator {
    public let index: RuleIndex
    let printer = SavePrinter(printsDefaultRecentMask: false)

    public init(index: RuleIndex) { self.index = index }

    /// Evaluates `table` at `hook`. `recent` is the namespace's xt_recent state; `chooser` decides
    /// statistic matches; `now` is the simulated clock.
    public func run<Chooser: StatisticChooser>(
        _ table: NetfilterTable.Name, hook: Hook, context: PacketContext, recent: inout RecentTable,
        chooser: inout Chooser, now: Instant
    ) -> TableOutcome {
        var outcome = TableOutcome(verdict: .accept, hits: [], nat: nil, mark: context.mark, decidedBy: nil)
        guard let builtin = index.chain(hook.rawValue, in: table) else { return outcome }
        var context = context
        var stack: [(chain: Chain, next: Int, via: RuleHit?)] = []
        var via: RuleHit?
        var chain = builtin
        var position = 0
        var steps = 0
        while steps < 100_000 {
            steps += 1
            guard position < chain.rules.count else {
                if let frame = stack.popLast() {
                    chain = frame.chain
                    position = frame.next
                    via = frame.via
                    continue
                }
                if builtin.policy == .drop {
                    outcome.verdict = .drop
                    outcome.decidedBy = RuleHit(
                        table: table, chain: builtin.name, number: 0, text: "-P \(builtin.name) DROP")
                }
                return outcome
            }
            let rule = chain.rules[position]
            let number = position + 1
            position += 1
            guard matches(rule, context, recent: &recent, chooser: &chooser, now: now) else { continue }
            guard let target = rule.target else { continue }  // counting-only rule
            let hit = RuleHit(
                table: table, chain: chain.name, number: number, text: printer.line(for: rule, in: chain.name))
            outcome.hits.append(hit)
            switch target {
            case .accept:
                outcome.verdict = .accept
                return outcome
            case .drop:
                outcome.verdict = .drop
                outcome.decidedBy = hit
                outcome.path = stack.compactMap(\.via) + (via.map { [$0] } ?? []) + [hit]
                return outcome
            case .reject(let reject):
                outcome.verdict = .reject(reject.effectiveType)
                outcome.decidedBy = hit
                outcome.path = stack.compactMap(\.via) + (via.map { [$0] } ?? []) + [hit]
                return outcome
            case .return:
                if let frame = stack.popLast() {
                    chain = frame.chain
                    position = frame.next
                    via = frame.via
                } else {
                    return outcome  // RETURN from a built-in chain: its policy (ACCEPT unless set otherwise)
                }
            case .jump(let name), .goto(let name):
                guard let next = index.chain(name, in: table) else { continue }
                if case .jump = target {
                    stack.append((chain, position, via))
                    via = hit
                } else {
                    via = hit  // a goto replaces the current chain; the path goes through it
                }
                chain = next
                position = 0
            case .dnat(let nat):
                outcome.nat = .dnat(nat)
                outcome.path = stack.compactMap(\.via) + (via.map { [$0] } ?? []) + [hit]
                return outcome
            case .snat(let nat):
                outcome.nat = .snat(nat)
                outcome.path = stack.compactMap(\.via) + (via.map { [$0] } ?? []) + [hit]
                return outcome
            case .masquerade(let masquerade):
                outcome.nat = .masquerade(masquerade)
                outcome.path = stack.compactMap(\.via) + (via.map { [$0] } ?? []) + [hit]
                return outcome
            case .mark(let mark):
                context.mark = mark.apply(to: context.mark)
                outcome.mark = context.mark
            case .log, .notrack, .ct, .other:
                continue
            }
        }
        return outcome
    }
}
