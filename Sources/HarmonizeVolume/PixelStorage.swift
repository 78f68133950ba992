import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#else
  import Darwin
#endif

/// An owned, 16-byte aligned block of pixel memory. Allocation failure is reported, never a crash.
///
/// Blocks of 8 MiB and more come straight from `mmap`, aligned to 2 MiB; anonymous pages are zero, so such blocks
/// are zero-filled for free. They are not advised as transparent huge pages unless `HARMONIZE_HUGE_PAGES=1`: measured
/// the way users run us (W1 right after a SimpleITK process, 7 interleaved rounds), the advice made the median slower
/// and the spread wide (linear: resample 0.16 s [0.06-0.32] against 0.12 s [0.09-0.14], whole process 0.76 s against
/// 0.52 s; bspline: 1.42 s against 0.84 s), likely because a first touch of huge pages after another process waits on the
/// kernel's compaction.
///
/// `Volume` holds one and copies it on write; use `Volume`'s accessors rather than this type.
public final class PixelStorage: @unchecked Sendable {
  /// Size of the block in bytes.
  public let byteCount: Int
  let base: UnsafeMutableRawPointer
  /// The whole mapping to unmap, for mapped blocks; nil for malloc'd ones.
  private let mapping: (start: UnsafeMutableRawPointer, length: Int)?

  /// Whether the block is its own mapping (8 MiB and more), not malloc'd.
  var isMapped: Bool { mapping != nil }

  static let mappingThreshold = 8 << 20
  /// Whether large blocks are advised as transparent huge pages: only with `HARMONIZE_HUGE_PAGES=1` (see above).
  static let adviseHugePages = ProcessInfo.processInfo.environment["HARMONIZE_HUGE_PAGES"] == "1"
  static let hugePage = 2 << 20

  /// Allocates `byteCount` bytes, zero-filled when `zeroed`, or returns nil when the system refuses.
  init?(byteCount: Int, zeroed: Bool) {
    self.byteCount = byteCount
    if byteCount >= PixelStorage.mappingThreshold {
      let (length, overflow) = byteCount.addingReportingOverflow(PixelStorage.hugePage)
      guard !overflow, let start = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        start != MAP_FAILED
      else { return nil }
      let aligned = (Int(bitPattern: start) + PixelStorage.hugePage - 1) & ~(PixelStorage.hugePage - 1)
      base = UnsafeMutableRawPointer(bitPattern: aligned)!
      mapping = (start, length)
      if PixelStorage.adviseHugePages {
        _ = madvise(base, byteCount, Int32(MADV_HUGEPAGE))  // advice only: ignored where THP is off
      }
    } else {
      // malloc(0) may return NULL: a zero-byte block still gets a valid pointer.
      let bytes = max(byteCount, 1)
      guard let pointer = zeroed ? calloc(bytes, 1) : malloc(bytes) else { return nil }
      base = pointer
      mapping = nil
    }
  }

  /// A copy of the block, or nil when memory for it cannot be had.
  func copy() -> PixelStorage? {
    guard let other = PixelStorage(byteCount: byteCount, zeroed: false) else { return nil }
    other.base.copyMemory(from: base, byteCount: byteCount)
    return other
  }

  deinit {
    if let mapping {
      munmap(mapping.start, mapping.length)
    } else {
      free(base)
    }
  }
}
