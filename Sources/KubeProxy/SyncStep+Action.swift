extension SyncStep {
    /// Reads the changes from the `action` text, the way the conformance `steps.json` files describe them, and
    /// decides what the `objects` files are for.
    ///
    /// Understood, in any order, with clauses separated by `,` or `;`:
    /// - `delete KIND NS/NAME [and KIND NS/NAME …]` (also `remove`; KIND is Service, EndpointSlice or Pod): those
    ///   objects are deleted; a clause starting with delete that names none deletes the objects of the `objects`
    ///   files instead of applying them.
    /// - `append 'RULE' to [the] live TABLE chain CHAIN` (also `insert … into`): `iptables -t TABLE -A|-I CHAIN RULE`.
    /// - `forceSyncProxyRules`, `force a full sync`, `forced full resync`: the sync is full.
    /// - the clock or `lastIPTablesCleanup` set back past the sync period (`now - syncPeriod - 1`, `more than
    ///   syncPeriod ago`, `past syncPeriod`): the clock moves just past `syncPeriod`; `advance 31s` or `wait 31s`
    ///   moves it that long. `lastIPTablesCleanup = now` needs nothing: time only moves when told.
    /// Anything else ("add …", "update …", "sync with no changes") needs no interpretation: `objects` are applied.
    mutating func interpretAction(objectsFiles: [String]) {
        let liveRule =
            /(?i)(append|insert) '([^']*)' (?:to|into) (?:the )?live (raw|mangle|nat|filter|security) chain ([A-Za-z0-9_.-]+)/
        var text = action
        for match in text.matches(of: liveRule) {
            let verb = match.output.1.lowercased() == "insert" ? "-I" : "-A"
            iptablesCommands.append("-t \(match.output.3.lowercased()) \(verb) \(match.output.4) \(match.output.2)")
        }
        text.replace(liveRule, with: "")
        let reference = /(Service|EndpointSlice|Pod) ([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)/
        var deletesObjectsFiles = false
        for clause in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            guard let first = clause.split(separator: " ").first?.lowercased(),
                first.hasPrefix("delete") || first.hasPrefix("remove")
            else { continue }
            let named = clause.matches(of: reference).compactMap {
                ObjectReference(parsing: "\($0.output.1) \($0.output.2)")
            }
            deletions += named
            if named.isEmpty { deletesObjectsFiles = true }
        }
        if deletesObjectsFiles { deleteFiles = objectsFiles } else { applyFiles = objectsFiles }
        let lowered = action.lowercased()
        let force = /forcesyncproxyrules|force (?:a )?full|forced full/
        if lowered.contains(force) { forceFullSync = true }
        let pastPeriod =
            /-\s*(?:fp\.)?syncperiod\b|syncperiod\)?\s+(?:ago|earlier)|(?:older|more|longer) than (?:the |one )?syncperiod|(?:past|beyond) (?:the |one )?syncperiod|syncperiod (?:has )?(?:passed|elapsed)/
        let wait = /(?:advance(?: the clock)?(?: by)?|wait) ([0-9.]+(?:ns|us|µs|ms|s|m|h)+)/
        if lowered.contains(pastPeriod) {
            advance = .pastSyncPeriod
        } else if let match = lowered.firstMatch(of: wait), let seconds = ProxyConfig.goDuration(String(match.output.1))
        {
            advance = .seconds(seconds)
        }
    }
}
