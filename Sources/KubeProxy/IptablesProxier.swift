import KubeModel
import NetCore
import Netfilter

/// kube-proxy's iptables proxier across syncs: the node's tables, the simulated clock and what the last sync
/// saw, so that each sync writes what kube-proxy would write at that point.
///
/// kube-proxy: `Proxier.syncProxyRules` in pkg/proxy/iptables. A sync is full at start, after a failed restore
/// (`needFullSync`), once `FullSyncPeriod` (an hour) has passed since the last full sync, or on request
/// (`forceSyncProxyRules`); a full sync first ensures the jump rules from the built-in chains. Other syncs are
/// partial: the filter table and the nat top-level chains are written in full, the KUBE-SVC/SVL/EXT/FW/SEP chains
/// only for Services whose Service or EndpointSlices changed. Then `iptables-save -t nat` is read and every
/// service chain no longer in use is flushed and deleted (`-X`) — in large-cluster mode only when `syncPeriod`
/// has passed since the last such cleanup. The payload goes to `iptables-restore --noflush`; if that fails the
/// changes are lost and the next sync is full.
public struct IptablesProxier: Sendable {
    /// The rule generator (its `largeClusterThreshold` is kube-proxy's `largeClusterEndpointsThreshold`).
    public var compiler: IptablesCompiler
    /// The node's tables as the kernel holds them: the jump rules, every restore that succeeded, and whatever
    /// else was done to them between syncs.
    public var ruleset: Ruleset
    /// The simulated clock; it moves only through ``advance(bySeconds:)``.
    public private(set) var now: Instant = .zero
    /// Whether the next sync must be full (true until the first sync succeeds, and after a failed restore).
    public private(set) var needFullSync = true
    /// When the last full sync succeeded.
    public private(set) var lastFullSync: Instant?
    /// When stale chains were last looked for (kube-proxy's `lastIPTablesCleanup`).
    public private(set) var lastCleanup: Instant?
    /// What the last sync saw.
    var observed = ObservedServices()

    /// kube-proxy's `FullSyncPeriod`: a partial sync turns full once this long has passed since the last one.
    public static let fullSyncPeriod = 3600.0

    /// Creates a proxier that has not synced yet, on a node whose tables are `ruleset`.
    public init(config: ProxyConfig, ruleset: Ruleset = .empty) {
        compiler = IptablesCompiler(config: config)
        self.ruleset = ruleset
    }

    /// The proxier settings.
    public var config: ProxyConfig { compiler.config }

    /// Moves the simulated clock forward.
    public mutating func advance(bySeconds seconds: Double) { now = now.advanced(bySeconds: max(0, seconds)) }

    /// Makes the next sync full.
    ///
    /// kube-proxy: `forceSyncProxyRules` (`needFullSync = true`), also what the iptables monitor does when
    /// its canary chain disappears.
    public mutating func requestFullSync() { needFullSync = true }

    /// Runs one sync over the node's current view of Services and EndpointSlices.
    ///
    /// kube-proxy: `syncProxyRules` (see the type's documentation).
    /// - Parameters:
    ///   - services: every Service the proxier watches.
    ///   - slices: every EndpointSlice it watches.
    /// - Returns: what was written and how the restore went.
    public mutating func sync(services: [Service], slices: [EndpointSlice]) -> IptablesSyncResult {
        let full = needFullSync || lastFullSync.map { now.seconds(since: $0) > Self.fullSyncPeriod } ?? true
        let seen = ObservedServices(services: services, slices: slices)
        let changed = seen.changedServices(since: observed)
        // The change trackers are drained whether or not the restore works; a failure forces a full sync.
        observed = seen
        if full { ruleset = KubeProxyJumpRules.ensure(in: ruleset) }
        let ports = ServicePortInfo.build(services: services, slices: slices, config: config)
        var plan = compiler.plan(ports: ports, writingChainsOf: full ? nil : changed)
        var deleted: [String] = []
        if !plan.largeClusterMode || lastCleanup.map({ now.seconds(since: $0) > config.syncPeriod }) ?? true {
            deleted = staleChains(active: plan.activeNATChains)
            plan.payload.deleteNATChains(deleted)
            lastCleanup = now
        }
        var result = IptablesSyncResult(
            isFull: full, payload: plan.payload, changedServices: full ? [] : changed.sorted(),
            deletedChains: deleted, largeClusterMode: plan.largeClusterMode,
            natRulesSynced: plan.payload.natRuleCount,
            natRulesTotal: plan.payload.natRuleCount + plan.skippedNATRules)
        result.restoreError = restore(plan.payload)
        result.natRulesInKernel = natRuleCount
        if result.restoreError == nil {
            needFullSync = false
            if full { lastFullSync = now }
        } else {
            needFullSync = true
        }
        return result
    }

    /// Service chains the kernel's nat table holds that no current service uses.
    ///
    /// kube-proxy: `existingNATChains.Difference(activeNATChains)` filtered by `isServiceChainName`.
    func staleChains(active: Set<String>) -> [String] {
        let prefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"]
        let existing = ruleset[table: .nat]?.chains.map(\.name) ?? []
        return existing.filter { chain in
            !active.contains(chain) && prefixes.contains { chain.hasPrefix($0) }
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Applies the payload as `iptables-restore --noflush` would; nil on success.
    mutating func restore(_ payload: IptablesPayload) -> IptablesRestoreError? {
        let script: Ruleset
        do { script = try IptablesParser.parse(payload.text) } catch {
            return IptablesRestoreError(table: "", message: "\(error)")
        }
        let (after, error) = IptablesRestore.apply(script, to: ruleset)
        ruleset = after
        return error
    }

    /// Rules in the nat table's user chains, as `iptables-save -t nat` would list them (the jump rules in the
    /// built-in chains are not counted).
    public var natRuleCount: Int {
        guard let nat = ruleset[table: .nat] else { return 0 }
        return nat.chains.filter { !nat.isBuiltin($0.name) }.reduce(0) { $0 + $1.rules.count }
    }
}

/// What one sync of ``IptablesProxier`` did.
///
/// kube-proxy: the outcome of one `syncProxyRules` — the restore data, whether it was a full sync, the
/// `sync_proxy_rules_iptables_last` / `_total` gauges for nat, and the restore error that sets `needFullSync`.
public struct IptablesSyncResult: Sendable {
    /// A full sync (every chain written) rather than a partial one.
    public var isFull: Bool
    /// The iptables-restore input, stale-chain deletions included.
    public var payload: IptablesPayload
    /// For a partial sync, the Services whose chains were rewritten (`namespace/name`, sorted).
    public var changedServices: [String]
    /// Chains flushed and deleted with `-X`.
    public var deletedChains: [String]
    /// More endpoints than the threshold.
    public var largeClusterMode: Bool
    /// nat rules in the payload: kube-proxy's `sync_proxy_rules_iptables_last{table="nat"}`.
    public var natRulesSynced: Int
    /// nat rules of the current services, written or skipped: kube-proxy's
    /// `sync_proxy_rules_iptables_total{table="nat"}` (set before the restore, so also after a failed one).
    public var natRulesTotal: Int
    /// Rules in the nat table's user chains after the restore. Equal to ``natRulesTotal`` unless stale chains
    /// are left for a later cleanup (large-cluster mode) or someone else added rules to kube-proxy's chains.
    public var natRulesInKernel: Int
    /// Why the restore failed, if it did.
    public var restoreError: IptablesRestoreError?

    /// Creates a result.
    public init(
        isFull: Bool, payload: IptablesPayload, changedServices: [String], deletedChains: [String],
        largeClusterMode: Bool, natRulesSynced: Int, natRulesTotal: Int, natRulesInKernel: Int = 0,
        restoreError: IptablesRestoreError? = nil
    ) {
        self.isFull = isFull
        self.payload = payload
        self.changedServices = changedServices
        self.deletedChains = deletedChains
        self.largeClusterMode = largeClusterMode
        self.natRulesSynced = natRulesSynced
        self.natRulesTotal = natRulesTotal
        self.natRulesInKernel = natRulesInKernel
        self.restoreError = restoreError
    }
}
