import Glibc
import NetCore
import Wire

/// Real sockets for `kdp lab verify`: listeners in the lab namespaces that record who reached them, and
/// client sockets that send one probe. Each socket is created on a dedicated thread inside its namespace
/// and then used from the caller's thread (a socket stays in the namespace it was created in).
struct ProbeSockets {
    /// A listening socket: where (the emulator's namespace name), what, and its descriptor.
    struct Listening {
        var netns: String
        var proto: IPProtocol
        var port: UInt16
        var fd: Int32
    }

    /// What the kernel did with one probe, as the sender and the listeners see it.
    enum Observation: Hashable {
        /// A listener accepted (TCP, after the handshake) or received (UDP) it; the peer address it saw.
        case delivered(netns: String, source: IPv4Address)
        /// An ICMP echo reply came back.
        case replied(from: IPv4Address)
        /// An ICMP error quoting the probe reached the sender's namespace: its type, code and source.
        case icmpError(type: UInt8, code: UInt8, from: IPv4Address)
        /// TCP: the connection attempt was reset (`ECONNREFUSED` with no ICMP error behind it).
        case reset
        /// The sender's own stack refused at once: `connect`/`send` failed with this errno, nothing was sent.
        case localError(Int32)
        /// Nothing came back in time.
        case silent
    }

    private(set) var listeners: [Listening] = []

    /// Opens listeners (`0.0.0.0:port`, TCP with a backlog, UDP bound) in kernel namespace `netns`; what
    /// they receive is reported under `label`.
    mutating func listen(in netns: String, label: String, _ ports: [(IPProtocol, UInt16)]) throws(LabError) {
        let opened = try inNamespace(netns) { () throws(LabError) -> [Listening] in
            try ports.map { proto, port throws(LabError) in
                let socketFD = socket(
                    AF_INET, proto == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0)
                guard socketFD >= 0 else { throw .system(call: "\(netns): socket", errno: errno) }
                var one: Int32 = 1
                setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                var address = Self.address(.any, port)
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard bound == 0 else {
                    close(socketFD)
                    throw .system(call: "\(netns): bind \(proto) port \(port)", errno: errno)
                }
                if proto == .tcp { Glibc.listen(socketFD, 64) }
                _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)
                return Listening(netns: label, proto: proto, port: port, fd: socketFD)
            }
        }
        listeners += opened
    }

    func closeAll() { for listener in listeners { close(listener.fd) } }

    /// Sends one TCP connection attempt or UDP datagram from `netns` to `destination:port`, then looks at
    /// every listener of that protocol for who got it, and at the sender's namespace for an ICMP error
    /// quoting it (a raw ICMP socket there gets a copy of every ICMP message the namespace receives).
    func probe(
        from netns: String, proto: IPProtocol, destination: IPv4Address, port: UInt16, timeout: Double
    ) throws(LabError) -> Observation {
        let opened = try clientSockets(
            in: netns,
            [
                (proto == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue), 0),
                (Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP)),
            ])
        let (client, watcher) = (opened[0], opened[1])
        defer {
            close(client)
            close(watcher)
        }
        var address = Self.address(destination, port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 && errno != EINPROGRESS { return .localError(errno) }
        let localPort = Self.localPort(client)
        if proto == .udp {
            let payload = Array("kdp-lab-probe".utf8)
            guard send(client, payload, payload.count, 0) >= 0 else { return .localError(errno) }
        }
        let deadline = monotonicSeconds() + timeout
        // The server side sees the connection (or datagram) now or very soon.
        while monotonicSeconds() < deadline {
            for listener in listeners where listener.proto == proto {
                if let source = take(listener) { return .delivered(netns: listener.netns, source: source) }
            }
            if let error = icmpAnswer(on: watcher, quoting: proto, port: localPort) { return error }
            if proto == .tcp, case let error = socketError(client), error != 0 {
                // The ICMP copy reaches raw sockets before TCP: an error without one came from a reset.
                if let icmp = icmpAnswer(on: watcher, quoting: proto, port: localPort) { return icmp }
                return error == ECONNREFUSED ? .reset : .localError(error)
            }
            usleep(1000)
        }
        return .silent
    }

    /// Sends an ICMP echo request from `netns` (raw socket) and waits for the reply or an ICMP error.
    func ping(from netns: String, destination: IPv4Address, identifier: UInt16, timeout: Double) throws(LabError)
        -> Observation
    {
        let client = try clientSockets(in: netns, [(Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))])[0]
        defer { close(client) }
        var request: [UInt8] = [8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xFF), 0, 1]
        request += Array("kdp-lab-probe".utf8)
        let checksum = Checksum.compute(request)
        request[2] = UInt8(checksum >> 8)
        request[3] = UInt8(checksum & 0xFF)
        var address = Self.address(destination, 0)
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(client, request, request.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent >= 0 else { return .localError(errno) }
        let deadline = monotonicSeconds() + timeout
        while wait(client, events: Int16(POLLIN), until: deadline) != nil {
            if let error = icmpAnswer(on: client, quoting: .icmp, port: identifier) { return error }
        }
        return .silent
    }

    /// Reads what is queued on raw ICMP socket `fd` (without blocking): the first echo reply with
    /// `identifier`, or the first ICMP error (destination unreachable, time exceeded) whose quoted packet is
    /// ours: protocol `proto` and source port (echo identifier for ICMP) `port`.
    private func icmpAnswer(on fd: Int32, quoting proto: IPProtocol, port: UInt16) -> Observation? {
        var buffer = [UInt8](repeating: 0, count: 1500)
        while true {
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return nil }
            let headerLength = Int(buffer[0] & 0x0F) * 4
            guard count >= headerLength + 8 else { continue }
            let source = IPv4Address(buffer[12], buffer[13], buffer[14], buffer[15])
            let type = buffer[headerLength]
            let word = { (offset: Int) in UInt16(buffer[offset]) << 8 | UInt16(buffer[offset + 1]) }
            if type == 0 && proto == .icmp && word(headerLength + 4) == port { return .replied(from: source) }
            // An error quotes our packet: its IP header after 8 bytes, then the first bytes of its payload.
            let inner = headerLength + 8
            guard type == 3 || type == 11, count >= inner + 20 else { continue }
            let innerLength = Int(buffer[inner] & 0x0F) * 4
            guard count >= inner + innerLength + 6, buffer[inner + 9] == proto.rawValue else { continue }
            let quoted = word(inner + innerLength + (proto == .icmp ? 4 : 0))
            if quoted == port { return .icmpError(type: type, code: buffer[headerLength + 1], from: source) }
        }
    }

    /// The local port a connected socket got.
    private static func localPort(_ fd: Int32) -> UInt16 {
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: local.sin_port)
    }

    /// Non-blocking sockets of the given (type, protocol) pairs, created in `netns`; a raw ICMP socket there
    /// sees every ICMP message the namespace receives, errors about the others' packets included.
    private func clientSockets(in netns: String, _ kinds: [(type: Int32, proto: Int32)]) throws(LabError) -> [Int32] {
        try inNamespace(netns) { () throws(LabError) -> [Int32] in
            var opened: [Int32] = []
            for kind in kinds {
                let fd = socket(AF_INET, kind.type, kind.proto)
                guard fd >= 0 else {
                    let error = errno
                    for fd in opened { close(fd) }
                    throw .system(call: "\(netns): socket", errno: error)
                }
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                opened.append(fd)
            }
            return opened
        }
    }

    /// Accepts (TCP) or reads (UDP) one pending arrival on `listener`: the peer's address.
    private func take(_ listener: Listening) -> IPv4Address? {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let got = withUnsafeMutablePointer(to: &peer) { pointer -> Bool in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Bool in
                if listener.proto == .tcp {
                    let connection = accept(listener.fd, address, &length)
                    guard connection >= 0 else { return false }
                    close(connection)
                    return true
                }
                var buffer = [UInt8](repeating: 0, count: 64)
                return recvfrom(listener.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT), address, &length) >= 0
            }
        }
        return got ? IPv4Address(rawValue: UInt32(bigEndian: peer.sin_addr.s_addr)) : nil
    }

    private func wait(_ fd: Int32, events: Int16, until deadline: Double) -> Int16? {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let remaining = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
            let ready = poll(&entry, 1, remaining)
            if ready > 0 { return entry.revents }
            if ready == 0 || (ready < 0 && errno != EINTR) { return nil }
        }
    }

    private func socketError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    static func address(_ address: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr = in_addr(s_addr: address.rawValue.bigEndian)
        return result
    }
}
