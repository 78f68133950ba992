import Foundation

/// Splits `0..<count` into contiguous ranges and runs `body` on each, concurrently when `threads` > 1.
///
/// There are `chunksPerThread` ranges per thread, so that uneven work (rows or slices outside the input) balances
/// out. With one thread the whole range runs here, sequentially: `concurrentPerform` would use every core.
func forEachChunk(of count: Int, threads: Int, chunksPerThread: Int, _ body: @Sendable (Range<Int>) -> Void) {
  let chunks = min(count, max(1, threads) * chunksPerThread)
  guard threads > 1, chunks > 1 else {
    if count > 0 { body(0..<count) }
    return
  }
  DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
    body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
  }
}
