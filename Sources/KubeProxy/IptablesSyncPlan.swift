/// What one sync writes and what it keeps: the restore payload, the per-service nat chains in use (written or
/// not), and how many nat rules a partial sync left out.
///
/// kube-proxy: the state `syncProxyRules` has built just before it looks for stale chains — `natChains` /
/// `natRules`, `activeNATChains`, `skippedNatRules` and `largeClusterMode`.
public struct IptablesSyncPlan: Sendable {
    /// The iptables-restore input.
    public var payload: IptablesPayload
    /// Every KUBE-SVC/SVL/EXT/FW/SEP chain the current services use, including those a partial sync skipped.
    public var activeNATChains: Set<String> { Set(activeChainList) }
    /// The same chains as a list (cheap to build; the set is made when a partial sync needs it).
    public var activeChainList: [String]
    /// nat rules of unchanged services that were not written (they are already in the kernel).
    public var skippedNATRules: Int
    /// More endpoints than the threshold: per-endpoint comments dropped, stale chains cleaned up less often.
    public var largeClusterMode: Bool

    /// Creates a plan.
    public init(payload: IptablesPayload, activeChainList: [String], skippedNATRules: Int, largeClusterMode: Bool) {
        self.payload = payload
        self.activeChainList = activeChainList
        self.skippedNATRules = skippedNATRules
        self.largeClusterMode = largeClusterMode
    }
}
