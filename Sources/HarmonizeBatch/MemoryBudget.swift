import Foundation

/// Admission control for concurrent cases: the sum of the running cases' estimated peak memory stays within the
/// limit; a case larger than the whole limit waits until nothing else runs and then runs alone.
final class MemoryBudget: @unchecked Sendable {
  let limit: Int
  private let condition = NSCondition()
  private var inUse = 0
  private var running = 0
  /// The largest sum of estimates that ran at once (reported, and checked by the tests).
  private(set) var peakReserved = 0

  init(limit: Int) { self.limit = limit }

  /// Blocks until `bytes` fit (or, for an oversized case, until nothing runs), then reserves them.
  func acquire(_ bytes: Int) {
    condition.lock()
    while running > 0 && inUse + bytes > limit { condition.wait() }
    inUse += bytes
    running += 1
    peakReserved = max(peakReserved, inUse)
    condition.unlock()
  }

  func release(_ bytes: Int) {
    condition.lock()
    inUse -= bytes
    running -= 1
    condition.broadcast()
    condition.unlock()
  }
}
