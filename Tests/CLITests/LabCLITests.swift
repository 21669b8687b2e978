import Foundation
import Testing

/// `kdp lab` for real: namespaces, libnl, iptables-nft-restore and BIRD on this kernel (CI runs as root).
/// Each test uses its own lab name; the suite is serialized because labs share /run/netns.
@Suite(.serialized, .enabled(if: getuid() == 0, "kdp lab needs root to create network namespaces"))
struct LabCLITests {
    /// The lab namespaces with `prefix`, and the host's own links (which a lab must never touch).
    static func snapshot(_ prefix: String) -> (namespaces: [String], hostLinks: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        let links = (try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8)) ?? ""
        let linkNames = links.split(separator: "\n").dropFirst(2).map { $0.split(separator: ":")[0] }
        return (names.filter { $0.hasPrefix(prefix + "-") }.sorted(), linkNames.joined(separator: ","))
    }

    static func birdProcesses(of lab: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data, as: UTF8.self)
            return line.contains("/run/kdp/labs/\(lab)/") ? pid : nil
        }
    }

    @Test(
        "up, verify and down agree with the emulator on every probe",
        arguments: [
            ("flannel-vxlan", "kdpt-vx", "nft"), ("flannel-host-gw", "kdpt-hg", "nft"),
            ("calico-bgp", "kdpt-bgp", "nft"), ("two-nodes-routed", "kdpt-rt", "nft"),
            // Legacy restores start inside the namespace threads, all at once, behind the xtables lock.
            ("flannel-vxlan", "kdpt-vxl", "legacy"),
        ])
    func verifyAgrees(topology: String, lab: String, iptables: String) throws {
        let before = Self.snapshot(lab)
        let result = try KDP.run(
            ["lab", "verify", "topologies/\(topology).yaml", "--name", lab, "--iptables", iptables])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("DISAGREE"), "\(result.stdout)")
        let summary = try #require(result.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("verify: "), "\(result.stdout)")
        let counts = summary.dropFirst(8).split(separator: " ")[0].split(separator: "/")
        #expect(counts.count == 2 && counts[0] == counts[1] && Int(counts[0]) ?? 0 > 0, "\(summary)")
        if topology == "calico-bgp" { #expect(summary.contains("BGP routes agree on 3/3 speakers")) }
        if topology == "flannel-vxlan" {
            // ClusterIP and NodePort (Cluster and Local) through the real iptables rules, masquerade included.
            #expect(result.stdout.contains("external→NodePort"))
            #expect(result.stdout.contains("pod→ClusterIP"))
            // externalTrafficPolicy: Local keeps the client's address; the kernel agrees.
            let local = result.stdout.split(separator: "\n").first {
                $0.contains("laptop → node-c 192.168.1.12:30081/tcp")
            }
            #expect(
                local?.hasSuffix("kernel: delivered to pod-default-web-c from 192.168.1.100") == true,
                "\(result.stdout)")
            #expect(result.stdout.contains("skipped: IPVS: this kernel has no ip_vs"))
        }
        let after = Self.snapshot(lab)
        #expect(after.namespaces == before.namespaces && after.namespaces.isEmpty)
        #expect(after.hostLinks == before.hostLinks)
        #expect(Self.birdProcesses(of: lab).isEmpty)
    }

    @Test("up is idempotent; show, exec and status read the lab; down removes it")
    func lifecycle() throws {
        let lab = "kdpt-life"
        let before = Self.snapshot(lab)
        let up = try KDP.run(["lab", "up", "topologies/flannel-vxlan.yaml", "--name", lab])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("11 namespaces"), "\(up.stdout)")
        defer { _ = try? KDP.run(["lab", "down", "--name", lab]) }
        let created = Self.snapshot(lab).namespaces
        #expect(created.count == 11 && created.contains("\(lab)-pod-default-client"))
        let again = try KDP.run(["lab", "up", "topologies/flannel-vxlan.yaml", "--name", lab])
        #expect(again.status == 0 && again.stdout.contains("nothing changed"), "\(again.stdout)\(again.stderr)")
        #expect(Self.snapshot(lab).namespaces == created)
        for what in ["routes", "neigh", "fdb", "links", "addrs"] {
            let show = try KDP.run(["lab", "show", lab, "--node", "node-a", what])
            #expect(show.status == 0 && show.stdout.isEmpty, "\(what): \(show.stdout)\(show.stderr)")
        }
        // Every link got the emulator's interface index: `ip link` in the lab prints what `kdp show` prints.
        let kernelLinks = try KDP.run(["lab", "exec", lab, "node-a", "--", "ip", "-o", "link", "show"])
        let emulatorLinks = try KDP.run(["show", "topologies/flannel-vxlan.yaml", "--node", "node-a", "links"])
        func indexes(_ text: String) -> [String] {
            text.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: ":", maxSplits: 2)
                guard fields.count > 1, Int(fields[0]) != nil else { return nil }
                let name = fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@")[0]
                return "\(fields[0]):\(name)"
            }
        }
        #expect(
            !indexes(kernelLinks.stdout).isEmpty && indexes(kernelLinks.stdout) == indexes(emulatorLinks.stdout),
            "\(kernelLinks.stdout)\(emulatorLinks.stdout)")
        let full = try KDP.run(["lab", "show", lab, "--node", "node-a", "routes", "--full"])
        #expect(full.stdout.contains("10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"), "\(full.stdout)")
        let ping = try KDP.run(["lab", "exec", lab, "client", "--", "ping", "-c", "1", "-W", "2", "10.244.2.2"])
        #expect(ping.status == 0, "\(ping.stdout)\(ping.stderr)")
        let status = try KDP.run(["lab", "status"])
        #expect(status.stdout.contains("\(lab)\tup\ttopologies/flannel-vxlan.yaml"), "\(status.stdout)")
        // The read-back sees a change made behind the lab's back: cni0's address removed by hand.
        let removed = try KDP.run([
            "lab", "exec", lab, "node-a", "--", "ip", "addr", "del", "10.244.1.1/24", "dev", "cni0",
        ])
        #expect(removed.status == 0, "\(removed.stdout)\(removed.stderr)")
        let addrs = try KDP.run(["lab", "show", lab, "--node", "node-a", "addrs"])
        #expect(
            addrs.status == 1 && addrs.stdout == "- inet 10.244.1.1/24 scope global cni0\n",
            "\(addrs.stdout)\(addrs.stderr)")
        let down = try KDP.run(["lab", "down", "--name", lab])
        #expect(down.status == 0 && down.stdout.contains("removed 11 namespaces"), "\(down.stdout)\(down.stderr)")
        #expect(Self.snapshot(lab).namespaces == before.namespaces)
        #expect(Self.snapshot(lab).hostLinks == before.hostLinks)
        #expect(!FileManager.default.fileExists(atPath: "/run/kdp/labs/\(lab)"))
    }

    @Test("a failure half-way rolls back what up created and leaves a foreign namespace alone")
    func rollback() throws {
        let lab = "kdpt-rb"
        let foreign = "\(lab)-node-b"
        #expect(try KDP.run(["lab", "down", "--name", lab]).status != 0)  // nothing to remove
        let add = Process()
        add.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        add.arguments = ["ip", "netns", "add", foreign]
        try add.run()
        add.waitUntilExit()
        defer {
            let del = Process()
            del.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            del.arguments = ["ip", "netns", "del", foreign]
            try? del.run()
            del.waitUntilExit()
        }
        let up = try KDP.run(["lab", "up", "topologies/flannel-vxlan.yaml", "--name", lab])
        #expect(up.status == 2)
        #expect(up.stderr.contains("netns \(foreign) exists and is not in the ledger of lab \(lab)"), "\(up.stderr)")
        #expect(Self.snapshot(lab).namespaces == [foreign])
        #expect(!FileManager.default.fileExists(atPath: "/run/kdp/labs/\(lab)"))
    }

    @Test("down cleans up after up is killed half-way (BIRD running, BGP not yet converged)")
    func killedUp() throws {
        let lab = "kdpt-kill"
        _ = try KDP.run(["lab", "down", "--name", lab])  // what an interrupted earlier run may have left
        let before = Self.snapshot(lab)
        #expect(before.namespaces.isEmpty)
        let process = Process()
        process.executableURL = KDP.binary
        process.arguments = ["lab", "up", "topologies/calico-bgp.yaml", "--name", lab]
        process.currentDirectoryURL = KDP.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ledger = "/run/kdp/labs/\(lab)/ledger"
        var sawProcess = false
        for _ in 0..<500 where !sawProcess {
            let text = (try? String(contentsOfFile: ledger, encoding: .utf8)) ?? ""
            sawProcess = text.contains("\nprocess\t") && !text.contains("state\tup")
            if !sawProcess { usleep(5000) }
        }
        // Reaped with waitpid: Foundation's own exit monitoring does not always notice a SIGKILL'd child.
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
        #expect(sawProcess, "up never reached the BGP wait")
        #expect(!Self.snapshot(lab).namespaces.isEmpty)
        let status = try KDP.run(["lab", "status"])
        #expect(status.stdout.contains("\(lab)\tincomplete"), "\(status.stdout)")
        let down = try KDP.run(["lab", "down", "--name", lab])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.contains("stopped bird-node-a"), "\(down.stdout)")
        #expect(Self.snapshot(lab).namespaces == before.namespaces)
        #expect(Self.birdProcesses(of: lab).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/run/kdp/labs/\(lab)"))
    }

    @Test("without root up refuses with a clear message; a bad lab name is an input error")
    func refusals() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
            KDP.binary.path, "lab", "up", KDP.root.appendingPathComponent("topologies/flannel-vxlan.yaml").path,
            "--name", "kdpt-nopriv",
        ]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN)"), "\(message)")
        #expect(Self.snapshot("kdpt-nopriv").namespaces.isEmpty)
        let bad = try KDP.run(["lab", "up", "topologies/flannel-vxlan.yaml", "--name", "Bad_Name"])
        #expect(bad.status == 2 && bad.stderr.contains("lab name \"Bad_Name\""), "\(bad.stderr)")
    }
}
