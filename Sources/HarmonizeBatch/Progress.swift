import Foundation
import HarmonizeVolume

/// Progress on standard error: a redrawn bar on a terminal; off a terminal (a log, a Slurm job), a plain line
/// `progress: 3/10 files, 12 MiB/s, elapsed 0:00:04, ETA 0:00:09` every `interval` seconds and at the end.
final class Progress: @unchecked Sendable {
  private let total: Int
  private let totalBytes: Int
  private let terminal: Bool
  private let interval: Double
  private let start = Date()
  private var lastLine = Date.distantPast
  private var done = 0
  private var bytes = 0
  private let lock = NSLock()
  private let enabled: Bool

  init(total: Int, totalBytes: Int, enabled: Bool, interval: Double = 10) {
    self.total = total
    self.totalBytes = totalBytes
    self.enabled = enabled
    self.interval = interval
    terminal = isatty(STDERR_FILENO) != 0
  }

  /// One more file finished (`inputBytes` read).
  func advance(inputBytes: Int) {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    bytes += inputBytes
    guard enabled else { return }
    let now = Date()
    if terminal {
      let width = 24
      let filled = total == 0 ? width : width * done / total
      let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
      emit("\r[\(bar)] " + line(now) + "   ", newline: done == total)
    } else if now.timeIntervalSince(lastLine) >= interval || done == total {
      lastLine = now
      emit("progress: " + line(now), newline: true)
    }
  }

  /// "3/10 files, 12 MiB/s, elapsed 0:00:04, ETA 0:00:09".
  func line(_ now: Date) -> String {
    let elapsed = max(0.001, now.timeIntervalSince(start))
    let rate = Double(bytes) / elapsed
    return
      "\(done)/\(total) files, \(formatBytes(Int(rate)))/s, elapsed \(clock(elapsed)), ETA \(eta(elapsed: elapsed))"
  }

  /// Remaining time, from the files and the bytes done so far (the mean of both estimates: a first small file after
  /// start-up alone would promise hours); "estimating" until two files or a tenth of the bytes are done.
  private func eta(elapsed: Double) -> String {
    if done >= total { return clock(0) }
    guard done >= 2 || (totalBytes > 0 && bytes * 10 >= totalBytes) else { return "estimating" }
    let byFiles = elapsed / Double(max(done, 1)) * Double(total - done)
    let byBytes = bytes > 0 ? elapsed / Double(bytes) * Double(max(0, totalBytes - bytes)) : byFiles
    return clock((byFiles + byBytes) / 2)
  }

  private func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return String(format: "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60)
  }

  private func emit(_ text: String, newline: Bool) {
    FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
  }
}
