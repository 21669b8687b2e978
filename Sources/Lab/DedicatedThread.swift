import CLabShim
import Glibc

/// Runs `body` on a fresh pthread that exits afterwards, and waits for it.
///
/// `setns(2)` and `unshare(2)` change only the calling thread. Swift concurrency and Dispatch share their
/// worker threads, so a namespace switch there would leak into unrelated work; a raw pthread that dies
/// right after is the only safe place (../shared/docs/lab-notes.md §2).
func onDedicatedThread<T>(_ body: () throws -> T) throws -> T {
    var outcome: Result<T, any Error>?
    try withoutActuallyEscaping(body) { (body: @escaping () throws -> T) throws in
        let job = ThreadJob { outcome = Result(catching: body) }
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, runThreadJob, Unmanaged.passUnretained(job).toOpaque())
        guard started == 0 else { throw LabError.system(call: "pthread_create", errno: started) }
        pthread_join(thread, nil)
    }
    return try outcome!.get()
}

/// Runs `body` on a dedicated thread that has entered the network namespace `fd`.
func inNamespace<T>(fd: Int32, _ body: () throws -> T) throws -> T {
    try onDedicatedThread {
        guard kdp_setns_net(fd) == 0 else { throw LabError.system(call: "setns(CLONE_NEWNET)", errno: errno) }
        return try body()
    }
}

/// The work handed to a pthread; the caller waits in `pthread_join`, so nothing runs concurrently with it.
private final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func runThreadJob(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadJob>.fromOpaque(argument!).takeUnretainedValue().run()
    return nil
}
