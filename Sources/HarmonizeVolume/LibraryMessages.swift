import Foundation

/// What ITK, MetaIO, nifticlib and NrrdIO printed while this process used them: captured in CITK (they never reach
/// the terminal) and kept here, one line per call, for `--verbose` to show.
public enum LibraryMessages {
  nonisolated(unsafe) private static var lines: [String] = []
  private static let lock = NSLock()
  /// At most this many lines are kept (a chatty library cannot grow memory).
  static let capacity = 200

  static func append(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    if lines.count < capacity { lines.append(line) }
  }

  /// The lines so far, emptied.
  public static func drain() -> [String] {
    lock.lock()
    defer { lock.unlock() }
    let all = lines
    lines = []
    return all
  }
}
