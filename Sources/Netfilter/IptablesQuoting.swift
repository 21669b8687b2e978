/// How strings (comments, log prefixes, nfacct names) are quoted in the two text forms.
enum IptablesQuoting {
    /// `iptables-save`'s spelling: bare when the string is non-empty and only `[A-Za-z0-9_-]`, otherwise in
    /// double quotes with `"`, `\` and `'` escaped by a backslash.
    ///
    /// iptables: `xtables_save_string` (so `ns1/svc1:p80` is saved as `"ns1/svc1:p80"`, fact 19).
    static func save(_ value: String) -> String {
        let bare =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
                default: false
                }
            }
        guard !bare else { return value }
        return quote(value, escaping: ["\"", "\\", "'"])
    }

    /// The restore-input spelling: `bare` and `quoted` as written; `standard` quotes only when the
    /// tokeniser needs it (empty, whitespace or a double quote), as kube-proxy writes `"ns1/svc1:p80 cluster IP"`
    /// but `ns1/svc1:p80`.
    static func restore(_ value: String, spelling: RuleLayout.Spelling) -> String {
        switch spelling {
        case .bare:
            return value
        case .quoted:
            return quote(value, escaping: ["\"", "\\"])
        case .standard, .withPrefixLength:
            let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\t" || $0 == "\"" }
            return needsQuotes ? quote(value, escaping: ["\"", "\\"]) : value
        }
    }

    private static func quote(_ value: String, escaping: Set<Character>) -> String {
        var result = "\""
        for character in value {
            if escaping.contains(character) { result.append("\\") }
            result.append(character)
        }
        result.append("\"")
        return result
    }
}
