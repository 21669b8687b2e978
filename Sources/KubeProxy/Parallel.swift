import Foundation

/// Order-preserving work split over the machine's cores (used for syncs of thousands of Services).
enum Parallel {
    /// `count` items in one range per core, or a single range below `minimum` items.
    static func chunks(_ count: Int, minimum: Int) -> [Range<Int>] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard count >= minimum, cores > 1 else { return [0..<count] }
        let size = (count + cores - 1) / cores
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    /// `transform` applied to each range concurrently; results in range order.
    static func map<T>(_ ranges: [Range<Int>], _ transform: (Range<Int>) -> T) -> [T] {
        if ranges.count == 1 { return [transform(ranges[0])] }
        let box = ResultBox<T>(count: ranges.count)
        withoutActuallyEscaping(transform) { transform in
            let shared = UncheckedSendable(transform)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                box.set(index, shared.value(ranges[index]))
            }
        }
        return box.values
    }
}

/// Results written once per slot under a lock.
private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// A value handed to concurrent work that only reads it (the transform reads immutable inputs).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
