import Foundation
import HarmonizeVolume

/// Progress on standard error: a redrawn bar on a terminal; plain lines every `interval` seconds otherwise.
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
      emit("\r" + line(now) + "   ", newline: done == total)
    } else if now.timeIntervalSince(lastLine) >= interval || done == total {
      lastLine = now
      emit(line(now), newline: true)
    }
  }

  private func line(_ now: Date) -> String {
    let elapsed = max(0.001, now.timeIntervalSince(start))
    let rate = Double(bytes) / elapsed
    let remaining = rate > 0 ? Double(totalBytes - bytes) / rate : 0
    let width = 24
    let filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    return "[\(bar)] \(done)/\(total) files, \(formatBytes(Int(rate)))/s, elapsed \(clock(elapsed)), ETA \(clock(remaining))"
  }

  private func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return String(format: "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60)
  }

  private func emit(_ text: String, newline: Bool) {
    FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
  }
}
