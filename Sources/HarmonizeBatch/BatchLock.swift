import Foundation
import HarmonizeVolume

/// One batch at a time per output folder (per shard): an exclusive `flock` on a lock file holding the owner's pid.
///
/// Why: two concurrent batches into one folder used to delete each other's temporary folders and interleave manifest
/// lines. The lock is released when the run ends or its process dies (the kernel drops it), so a killed run never
/// leaves a stale lock; the shards of a Slurm array each take their own.
final class BatchLock {
  private var descriptor: Int32

  /// Takes the lock of `folder` for `shard`.
  /// - Throws: `BatchError` naming the process that holds it, or why the lock file cannot be opened.
  init(folder: String, shard: Shard) throws(BatchError) {
    let name = shard.isWhole ? ".harmonize-batch.lock" : ".harmonize-batch.shard-\(shard.index)-of-\(shard.count).lock"
    let path = PathText.join(folder, name)
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard descriptor >= 0 else {
      throw BatchError(path, "cannot open the batch lock: \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let holder =
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
      close(descriptor)
      throw BatchError(
        folder,
        "another harmonize batch (process \(holder)) is writing into this folder; wait for it to finish or stop it")
    }
    let text = "\(getpid())\n"
    _ = ftruncate(descriptor, 0)
    _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
  }

  /// Releases the lock (the file stays; it is empty of meaning without the lock).
  func release() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
