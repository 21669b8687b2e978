/// Splits one iptables-restore line into words the way `iptables-restore` does.
///
/// iptables: words are separated by spaces or tabs; a double quote opens a quoted part in which spaces are
/// kept and a backslash takes the next character literally; the closing quote ends the word. Outside quotes a
/// backslash is an ordinary character and single quotes mean nothing. Unlike iptables-restore (which then
/// silently takes the rest of the line) an unclosed quote is an error here.
enum IptablesTokenizer {
    /// The words of `line`; `lineNumber` is used for errors.
    static func tokenize(_ line: Substring, lineNumber: Int) throws(IptablesParseError) -> [Token] {
        let characters = Array(line)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            if characters[index] == " " || characters[index] == "\t" {
                index += 1
                continue
            }
            let start = index
            var text = ""
            var quoted = false
            var inQuotes = false
            var closedQuote = false
            while index < characters.count, !closedQuote {
                let character = characters[index]
                if inQuotes {
                    if character == "\\", index + 1 < characters.count {
                        text.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    if character == "\"" {
                        inQuotes = false
                        closedQuote = true
                    } else {
                        text.append(character)
                    }
                } else if character == " " || character == "\t" {
                    break
                } else if character == "\"" {
                    inQuotes = true
                    quoted = true
                } else {
                    text.append(character)
                }
                index += 1
            }
            if inQuotes {
                throw .unterminatedQuote(line: lineNumber, column: start + 1)
            }
            tokens.append(Token(text: text, raw: String(characters[start..<index]), column: start + 1, quoted: quoted))
        }
        return tokens
    }
}
