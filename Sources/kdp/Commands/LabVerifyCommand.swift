import ArgumentParser

struct LabVerify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "TODO")
}
