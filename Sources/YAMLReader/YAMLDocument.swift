import Foundation
import Yams

/// Reading YAML files into budgeted, location-aware `YAMLValue`s, with the limits every input shares.
public enum YAMLDocument {
    /// Files larger than this are refused before parsing (a 30k-service manifest is about 30 MiB).
    public static let maximumBytes = 256 << 20

    /// The text of `path`, or an error naming the file and the system's reason.
    public static func read(path: String, maximumBytes: Int = maximumBytes) throws(LocatedError) -> String {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maximumBytes else {
                throw LocatedError(file: path, line: 0, field: "", problem: .tooLarge(bytes: size, limit: maximumBytes))
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LocatedError(
                    file: path, line: 0, field: "",
                    problem: .unreadable(reason(CocoaError(.fileReadUnknown), path: path)))
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw LocatedError(file: path, line: 0, field: "", problem: .unreadable("not UTF-8 text"))
            }
            return text
        } catch let error as LocatedError {
            throw error
        } catch {
            throw LocatedError(file: path, line: 0, field: "", problem: .unreadable(reason(error, path: path)))
        }
    }

    static func reason(_ error: any Error, path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return "No such file or directory"
        }
        if isDirectory.boolValue { return "Is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "Permission denied" }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    /// The single document of `text`. An empty document is an error.
    public static func compose(
        _ text: String, file: String, maximumBytes: Int = maximumBytes, recordsLines: Bool = false
    ) throws(LocatedError) -> YAMLValue {
        let documents = try composeAll(text, file: file, maximumBytes: maximumBytes, recordsLines: recordsLines)
        guard let first = documents.first else {
            throw LocatedError(file: file, line: 1, field: "", problem: .syntax("the file is empty"))
        }
        return first
    }

    /// Every non-empty document of `text` (`---` separated), sharing one node budget: each node of a plain
    /// document costs at least a couple of bytes, so only alias expansion can exceed it.
    public static func composeAll(
        _ text: String, file: String, maximumBytes: Int = maximumBytes, recordsLines: Bool = false, lineOffset: Int = 0
    ) throws(LocatedError) -> [YAMLValue] {
        let size = text.utf8.count
        guard size <= maximumBytes else {
            throw LocatedError(file: file, line: 0, field: "", problem: .tooLarge(bytes: size, limit: maximumBytes))
        }
        let context = YAMLContext(
            file: file, budget: max(100_000, size), recordsLines: recordsLines, lineOffset: lineOffset)
        do {
            var values: [YAMLValue] = []
            // The basic resolver: every scalar stays a string (decoders parse numbers and booleans themselves), so
            // composing never runs the default resolver's regular expressions on each scalar.
            for node in try Yams.compose_all(yaml: text, .basic) {
                if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { continue }
                values.append(YAMLValue(node: node, path: "", context: context))
            }
            return values
        } catch let error as YamlError {
            var located = syntaxError(error, file: file)
            if located.line > 0 { located.line += lineOffset }
            throw located
        } catch {
            throw LocatedError(file: file, line: 0, field: "", problem: .syntax("\(error)"))
        }
    }

    /// Splits a multi-document text at document markers (a line that is exactly `---`) into at most `count`
    /// pieces of similar size, each with the number of lines before it; a piece always holds whole documents.
    public static func split(_ text: String, into count: Int) -> [(text: Substring, lineOffset: Int)] {
        let bytes = text.utf8
        guard count > 1, bytes.count > 1 << 20 else { return [(text[...], 0)] }
        let target = bytes.count / count
        var pieces: [(Substring, Int)] = []
        var start = text.startIndex
        var line = 0
        var lineAtStart = 0
        var sinceStart = 0
        var index = text.startIndex
        while index < text.endIndex {
            guard let newline = text[index...].firstIndex(of: "\n") else { break }
            let lineText = text[index..<newline]
            sinceStart += lineText.utf8.count + 1
            if lineText == "---", sinceStart > target, pieces.count < count - 1, index != start {
                pieces.append((text[start..<index], lineAtStart))
                start = index
                lineAtStart = line
                sinceStart = 0
            }
            line += 1
            index = text.index(after: newline)
        }
        pieces.append((text[start...], lineAtStart))
        return pieces
    }

    static func syntaxError(_ error: YamlError, file: String) -> LocatedError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\($0.text) " } ?? ""
            return LocatedError(file: file, line: mark.line, field: "", problem: .syntax("\(text)\(problem)"))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return LocatedError(
                file: file, line: context.mark.line, field: "",
                problem: .syntax("duplicate keys \(duplicates.joined(separator: ", "))"))
        default:
            return LocatedError(file: file, line: 0, field: "", problem: .syntax("\(error)"))
        }
    }
}
