import ArgumentParser

struct LabVerify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "TODO")
}

struct LabShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "TODO")
}
