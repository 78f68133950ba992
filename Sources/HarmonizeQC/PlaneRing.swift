import Foundation
import HarmonizeVolume

/// A `PlaneReader` running ahead on its own thread: it inflates planes into a ring of a few buffers while the caller
/// works on the previous ones, so decompression and measuring share the two cores. Memory: `depth` planes.
final class PlaneRing: @unchecked Sendable {
  private let reader: PlaneReader
  private let buffers: [UnsafeMutableRawBufferPointer]
  private let filled = DispatchSemaphore(value: 0)
  private let free: DispatchSemaphore
  private let done = DispatchGroup()
  private var consumed = 0
  /// Set by the reading thread before it signals; read after `filled` or `done`.
  private var failure: ImageFileError?

  init(reader: PlaneReader, depth: Int = 8) {
    self.reader = reader
    buffers = (0..<depth).map { _ in
      UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, reader.planeBytes), alignment: 64)
    }
    // Created at 0 and raised to `depth`: libdispatch traps when a semaphore is freed below its initial value, as
    // this one is when reading fails with buffers handed out.
    free = DispatchSemaphore(value: 0)
    for _ in 0..<depth { free.signal() }
    done.enter()
    Thread.detachNewThread { [self] in
      defer { done.leave() }
      for z in 0..<self.reader.planeCount {
        free.wait()
        do throws(ImageFileError) {
          try self.reader.read(planes: 1, into: buffers[z % buffers.count])
        } catch {
          failure = error
          filled.signal()
          return
        }
        filled.signal()
      }
      let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, self.reader.planeBytes), alignment: 64)
      defer { scratch.deallocate() }
      do throws(ImageFileError) { try self.reader.finish(scratch: scratch) } catch { failure = error }
    }
  }

  deinit { for buffer in buffers { buffer.deallocate() } }

  /// The next plane, or nil when reading failed (`finish` says why). Call `release` when done with it.
  func next() -> UnsafeMutableRawBufferPointer? {
    filled.wait()
    if failure != nil { return nil }
    defer { consumed += 1 }
    return buffers[consumed % buffers.count]
  }

  /// Hands the plane `next` returned back to the reading thread.
  func release() { free.signal() }

  /// Waits for the reading thread, which checks the file's end (CRCs, trailing data) after the last plane; the
  /// error, if any. Call it after taking every plane, or after `next` returned nil.
  func finish() -> ImageFileError? {
    done.wait()
    return failure
  }
}
