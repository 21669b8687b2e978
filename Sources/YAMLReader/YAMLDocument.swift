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
            return try String(contentsOfFile: path, encoding: .utf8)
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
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    /// The single document of `text`. An empty document is an error.
    public static func compose(_ text: String, file: String, maximumBytes: Int = maximumBytes) throws(LocatedError)
        -> YAMLValue
    {
        let documents = try composeAll(text, file: file, maximumBytes: maximumBytes)
        guard let first = documents.first else {
            throw LocatedError(file: file, line: 1, field: "", problem: .syntax("the file is empty"))
        }
        return first
    }

    /// Every non-empty document of `text` (`---` separated), sharing one node budget: each node of a plain
    /// document costs at least a couple of bytes, so only alias expansion can exceed it.
    public static func composeAll(_ text: String, file: String, maximumBytes: Int = maximumBytes) throws(LocatedError)
        -> [YAMLValue]
    {
        let size = text.utf8.count
        guard size <= maximumBytes else {
            throw LocatedError(file: file, line: 0, field: "", problem: .tooLarge(bytes: size, limit: maximumBytes))
        }
        let context = YAMLContext(file: file, budget: max(100_000, size))
        do {
            var values: [YAMLValue] = []
            for node in try Yams.compose_all(yaml: text) {
                if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { continue }
                values.append(YAMLValue(node: node, path: "", context: context))
            }
            return values
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw LocatedError(file: file, line: 0, field: "", problem: .syntax("\(error)"))
        }
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
