import CLabShim
import Glibc
import Synchronization

/// Named network namespaces in the `ip netns` convention: a bind mount of a namespace file at
/// `/run/netns/NAME`, so `ip netns list`, `ip -n NAME` and `ip netns exec NAME` see them.
///
/// Creation runs in-process (about 0.4 ms of kernel work instead of an `ip netns add` exec of about 3 ms):
/// `unshare` on a dedicated pthread, then a bind mount of that thread's own namespace file. Only the network
/// namespace changes, only on that thread, which exits when its work is done.
public enum KernelNamespace {
    public static let directory = "/run/netns"

    public static func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Whether `/run/netns/NAME` exists.
    public static func exists(_ name: String) -> Bool { access(path(name), F_OK) == 0 }

    /// The names under `/run/netns` (what `ip netns list` prints, without ids).
    public static func list() -> [String] { directoryEntries(directory) }

    /// Equivalent to: `ip netns add NAME`.
    public static func add(_ name: String) throws(LabError) {
        try add([name], threads: 1) { _ throws(LabError) in }
    }

    /// Equivalent to: `ip netns add NAME` for every name, on `threads` dedicated pthreads at once (the
    /// kernel's namespace set-up is most of the cost, and it runs on both cores). Each thread takes the next
    /// name, creates the namespace by unsharing into it, and, still inside, runs `inside(index)`: sysctls and
    /// sockets opened there belong to that namespace. A thread unshares anew for its next name and exits at
    /// the end. After the first failure no further namespace is started; the error is rethrown once every
    /// thread has stopped (namespaces already made stay, for the caller's rollback).
    static func add(
        _ names: [String], threads: Int, inside: (Int) throws(LabError) -> Void
    ) throws(LabError) {
        try prepareDirectory()
        let queue = WorkQueue()
        try onDedicatedThreads(min(threads, names.count)) { _ throws(LabError) in
            while !queue.failed.load(ordering: .relaxed) {
                let index = queue.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < names.count else { return }
                do throws(LabError) {
                    try create(names[index])
                    try inside(index)
                } catch {
                    queue.failed.store(true, ordering: .relaxed)
                    throw error
                }
            }
        }
    }

    /// Unshares the calling (dedicated) thread into a new namespace and bind-mounts it at `/run/netns/NAME`.
    private static func create(_ name: String) throws(LabError) {
        let file = path(name)
        let fd = open(file, O_RDONLY | O_CREAT | O_EXCL, 0)
        guard fd >= 0 else { throw .system(call: "create \(file)", errno: errno) }
        close(fd)
        guard kdp_unshare_netns() == 0 else {
            let error = errno
            unlink(file)
            throw .system(call: "unshare(CLONE_NEWNET)", errno: error)
        }
        // The thread's own namespace file: /proc/self/ns/net is the main thread's (the host's).
        let own = "/proc/self/task/\(kdp_gettid())/ns/net"
        guard mount(own, file, "none", UInt(MS_BIND), nil) == 0 else {
            let error = errno
            unlink(file)
            throw .system(call: "mount --bind \(own) \(file)", errno: error)
        }
    }

    /// The shared state of `add`'s threads.
    private final class WorkQueue: Sendable {
        let next = Atomic<Int>(0)
        let failed = Atomic<Bool>(false)
    }

    /// Equivalent to: `ip netns del NAME`. The namespace dies, with every device in it, once no process
    /// and no mount holds it. Missing is not an error (`down` after a half-done `up`).
    public static func delete(_ name: String) throws(LabError) {
        let file = path(name)
        guard exists(name) else { return }
        if umount2(file, Int32(MNT_DETACH)) != 0 && errno != EINVAL {
            throw .system(call: "umount \(file)", errno: errno)
        }
        guard unlink(file) == 0 || errno == ENOENT else { throw .system(call: "unlink \(file)", errno: errno) }
    }

    /// Opens the namespace file (for `setns` and for moving a veth end into it).
    static func openFD(_ name: String) throws(LabError) -> Int32 {
        let fd = open(path(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(call: "open \(path(name))", errno: errno) }
        return fd
    }

    /// `/run/netns` as `ip netns add` leaves it: a shared mount point, so later namespaces propagate.
    private static func prepareDirectory() throws(LabError) {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST { throw .system(call: "mkdir \(directory)", errno: errno) }
        if mount("", directory, "none", UInt(MS_SHARED | MS_REC), nil) == 0 { return }
        guard errno == EINVAL else { throw .system(call: "mount --make-rshared \(directory)", errno: errno) }
        guard mount(directory, directory, "none", UInt(MS_BIND | MS_REC), nil) == 0 else {
            throw .system(call: "mount --rbind \(directory) \(directory)", errno: errno)
        }
        guard mount("", directory, "none", UInt(MS_SHARED | MS_REC), nil) == 0 else {
            throw .system(call: "mount --make-rshared \(directory)", errno: errno)
        }
    }
}
