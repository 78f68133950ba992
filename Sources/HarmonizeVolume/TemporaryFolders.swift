import Foundation

/// The hidden temporary folders this process is writing into, removed when it is interrupted, and the sweep of
/// folders a killed run left behind.
///
/// Every write goes through a `.harmonize-tmp-XXXXXX` folder beside its destination (`AtomicWrite`). Each holds a
/// marker file with the writer's process id; only folders with a marker are ever removed, and only when their
/// writer is gone, so a user's own folder of a similar name is never touched and two runs writing into one folder
/// never delete each other's work.
public enum TemporaryFolders {
  /// Prefix of the hidden folders.
  public static let prefix = ".harmonize-tmp-"
  /// The marker file inside each, holding the writer's process id.
  public static let marker = ".harmonize-writer"

  nonisolated(unsafe) private static var active = Set<String>()
  private static let lock = NSLock()

  static func register(_ folder: String) {
    lock.lock()
    active.insert(folder)
    lock.unlock()
  }

  static func unregister(_ folder: String) {
    lock.lock()
    active.remove(folder)
    lock.unlock()
  }

  /// Removes every folder this process is writing into (on SIGINT, SIGTERM, SIGHUP).
  static func removeActive() {
    lock.lock()
    let folders = active
    active.removeAll()
    lock.unlock()
    for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
  }

  /// Installs the process's signal handling; call it first thing in `main`, before any thread starts. SIGINT, SIGTERM
  /// and SIGHUP remove the temporary folders of unfinished writes, then end the process as the signal would (exit
  /// status 128 + signal); SIGXFSZ (a file size limit, `ulimit -f`) is ignored, so that the write fails with EFBIG and
  /// is reported instead of killing the process.
  ///
  /// The three signals are blocked in every thread (threads inherit the mask) and taken by one thread with
  /// `sigwait`, where removing folders is safe; an asynchronous handler could not call `FileManager`.
  public static func installSignalHandlers() {
    signal(SIGXFSZ, SIG_IGN)
    var set = sigset_t()
    sigemptyset(&set)
    for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
    pthread_sigmask(SIG_BLOCK, &set, nil)
    let waiter = Thread {
      var waited = sigset_t()
      sigemptyset(&waited)
      for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&waited, number) }
      var received: Int32 = 0
      guard sigwait(&waited, &received) == 0 else { return }
      removeActive()
      signal(received, SIG_DFL)
      var only = sigset_t()
      sigemptyset(&only)
      sigaddset(&only, received)
      pthread_sigmask(SIG_UNBLOCK, &only, nil)
      kill(getpid(), received)
    }
    waiter.stackSize = 1 << 18
    waiter.start()
  }

  /// Removes the temporary folders in `folder` (not below it) whose writer is no longer running; folders without our
  /// marker are left alone.
  public static func removeStale(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(prefix) {
      let path = PathText.join(folder, name)
      if isStale(path) { try? FileManager.default.removeItem(atPath: path) }
    }
  }

  /// Removes stale temporary folders anywhere below `root` (a batch output folder).
  public static func removeStale(under root: String) {
    // The walk visits every entry once, the top level included; no folder needs listing again.
    guard let walker = FileManager.default.enumerator(atPath: root) else { return }
    while let relative = walker.nextObject() as? String {
      guard PathText.name(relative).hasPrefix(prefix) else { continue }
      walker.skipDescendants()
      let path = PathText.join(root, relative)
      if isStale(path) { try? FileManager.default.removeItem(atPath: path) }
    }
  }

  /// Whether `path` is one of our temporary folders whose writer has ended.
  static func isStale(_ path: String) -> Bool {
    var info = stat()
    guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
      let text = try? String(contentsOfFile: PathText.join(path, marker), encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return false }
    if pid == getpid() {
      lock.lock()
      defer { lock.unlock() }
      return !active.contains(path)
    }
    return kill(pid, 0) != 0 && errno == ESRCH
  }
}
