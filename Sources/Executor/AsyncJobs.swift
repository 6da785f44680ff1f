import Foundation
import Playbook

/// Tasks run with `async`: each runs in a controller thread on a connection of its own, so the
/// host's main session stays free for the tasks that follow. `poll` waits for the job;
/// `async_status` asks about it later. A job lives as long as the run: it is not left behind on
/// the host when swiftplay exits.
final class AsyncJobs {
    final class Job {
        let id: String
        let host: String
        /// `async`: the seconds the job may take before it counts as failed.
        let limit: Int
        let started = Date()
        private let finished = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var outcome: Result<Vars, Error>?

        init(id: String, host: String, limit: Int) {
            self.id = id
            self.host = host
            self.limit = limit
        }

        /// The job's result once it has finished; nil while it runs.
        var result: Result<Vars, Error>? {
            lock.lock(); defer { lock.unlock() }
            return outcome
        }

        var overdue: Bool { Date().timeIntervalSince(started) > Double(limit) }

        /// Waits up to `seconds` for the job to finish; true when it has.
        func wait(seconds: Double) -> Bool {
            if result != nil { return true }
            guard finished.wait(timeout: .now() + seconds) == .success else { return false }
            finished.signal()  // later waiters see it finished too
            return true
        }

        fileprivate func finish(_ r: Result<Vars, Error>) {
            lock.lock()
            outcome = r
            lock.unlock()
            finished.signal()
        }
    }

    private var jobs: [String: Job] = [:]
    private let lock = NSLock()

    /// Starts `work` in its own thread; `work` runs the module and closes its connection.
    func start(host: String, limit: Int, _ work: @escaping () throws -> Vars) -> Job {
        // Ansible's job ids: "j", twelve digits, ".", the process id.
        let id = "j\(UInt64.random(in: 100_000_000_000...999_999_999_999)).\(getpid())"
        let job = Job(id: id, host: host, limit: limit)
        lock.lock()
        jobs[id] = job
        lock.unlock()
        let thread = Thread { job.finish(Result { try work() }) }
        thread.stackSize = 8 << 20  // as the host threads: deep templates recurse
        thread.start()
        return job
    }

    func job(_ id: String) -> Job? {
        lock.lock(); defer { lock.unlock() }
        return jobs[id]
    }

    func remove(_ id: String) {
        lock.lock(); defer { lock.unlock() }
        jobs.removeValue(forKey: id)
    }
}
