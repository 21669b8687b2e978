import NetCore

// Literals the tests control: a typo is a bug in the test, so it stops the run loudly.

extension IPv4Address {
    static func literal(_ text: String) -> IPv4Address {
        guard let address = IPv4Address(text) else { preconditionFailure("bad IPv4 literal \(text)") }
        return address
    }
}

extension IPv4Prefix {
    static func literal(_ text: String) -> IPv4Prefix {
        guard let prefix = IPv4Prefix(text) else { preconditionFailure("bad prefix literal \(text)") }
        return prefix
    }
}
