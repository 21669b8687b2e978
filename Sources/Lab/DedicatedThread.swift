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
        try withExtendedLifetime(job) {  // the thread borrows the job until it is joined
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, runThreadJob, Unmanaged.passUnretained(job).toOpaque())
            guard started == 0 else { throw LabError.system(call: "pthread_create", errno: started) }
            pthread_join(thread, nil)
        }
    }
    return try outcome!.get()
}

/// Runs `body(0)` … `body(count - 1)` on `count` fresh pthreads at once and waits for all of them; rethrows
/// the first error in thread order. `body` must only touch state that is its own or locked.
func onDedicatedThreads(_ count: Int, _ body: (Int) throws(LabError) -> Void) throws(LabError) {
    let errors = UnsafeMutableBufferPointer<LabError?>.allocate(capacity: count)
    errors.initialize(repeating: nil)
    defer { errors.deallocate() }
    withoutActuallyEscaping(body) { (body: @escaping (Int) throws(LabError) -> Void) in
        let jobs = (0..<count).map { worker in
            ThreadJob {
                do throws(LabError) { try body(worker) } catch { errors[worker] = error }
            }
        }
        withExtendedLifetime(jobs) {  // the threads borrow the jobs until they are joined
            var threads: [pthread_t] = []
            for (worker, job) in jobs.enumerated() {
                var thread = pthread_t()
                let started = pthread_create(&thread, nil, runThreadJob, Unmanaged.passUnretained(job).toOpaque())
                if started == 0 {
                    threads.append(thread)
                } else {
                    errors[worker] = .system(call: "pthread_create", errno: started)
                }
            }
            for thread in threads { pthread_join(thread, nil) }
        }
    }
    if let error = errors.lazy.compactMap({ $0 }).first { throw error }
}

/// Runs `body` on a dedicated thread that has entered the lab namespace `netns` (`/run/netns/NAME`).
func inNamespace<T>(_ netns: String, _ body: () throws(LabError) -> T) throws(LabError) -> T {
    let fd = try KernelNamespace.openFD(netns)
    defer { close(fd) }
    do {
        return try onDedicatedThread { () throws -> T in
            guard kdp_setns_net(fd) == 0 else { throw LabError.system(call: "setns \(netns)", errno: errno) }
            return try body()
        }
    } catch let error as LabError {
        throw error
    } catch {
        throw .system(call: "enter \(netns)", errno: EIO)
    }
}

/// The work handed to a pthread; the caller waits in `pthread_join` and keeps the job alive until then.
private final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func runThreadJob(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadJob>.fromOpaque(argument!).takeUnretainedValue().run()
    return nil
}
