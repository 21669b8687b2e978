/// Why bytes could not be read as a header. Thrown by every `parse`.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the header (or its declared length) needs.
    case truncated(header: String, needed: Int, available: Int)
    /// A field holds a value the format forbids (version 6 in an IPv4 header, IHL below 5, …).
    case malformed(header: String, field: String, value: Int)
    /// The checksum does not verify.
    case badChecksum(header: String)

    public var description: String {
        switch self {
        case .truncated(let header, let needed, let available):
            "\(header): truncated (needs \(needed) bytes, has \(available))"
        case .malformed(let header, let field, let value):
            "\(header): invalid \(field) \(value)"
        case .badChecksum(let header):
            "\(header): bad checksum"
        }
    }
}

extension ArraySlice where Element == UInt8 {
    @inline(__always) func u16(at offset: Int) -> UInt16 {
        UInt16(self[startIndex + offset]) << 8 | UInt16(self[startIndex + offset + 1])
    }
    @inline(__always) func u32(at offset: Int) -> UInt32 {
        UInt32(u16(at: offset)) << 16 | UInt32(u16(at: offset + 2))
    }
    @inline(__always) func u8(at offset: Int) -> UInt8 { self[startIndex + offset] }
    func sub(_ offset: Int, _ count: Int) -> ArraySlice<UInt8> {
        self[(startIndex + offset)..<(startIndex + offset + count)]
    }
    func from(_ offset: Int) -> ArraySlice<UInt8> { self[(startIndex + offset)...] }

    func require(_ count: Int, _ header: String) throws(WireError) {
        guard self.count >= count else { throw .truncated(header: header, needed: count, available: self.count) }
    }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func append16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
    @inline(__always) mutating func append32(_ value: UInt32) {
        append16(UInt16(truncatingIfNeeded: value >> 16))
        append16(UInt16(truncatingIfNeeded: value))
    }
    @inline(__always) mutating func set16(_ value: UInt16, at index: Int) {
        self[index] = UInt8(truncatingIfNeeded: value >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: value)
    }
}
