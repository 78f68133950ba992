#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// An owned, 16-byte aligned block of pixel memory. Allocation failure is reported, never a crash.
///
/// `Volume` holds one and copies it on write; use `Volume`'s accessors rather than this type.
public final class PixelStorage: @unchecked Sendable {
  /// Size of the block in bytes.
  public let byteCount: Int
  let base: UnsafeMutableRawPointer

  /// Allocates `byteCount` bytes, zero-filled when `zeroed`, or returns nil when the system refuses.
  init?(byteCount: Int, zeroed: Bool) {
    let bytes = max(byteCount, 1)
    guard let pointer = zeroed ? calloc(bytes, 1) : malloc(bytes) else { return nil }
    self.base = pointer
    self.byteCount = byteCount
  }

  /// A copy of the block, or nil when memory for it cannot be had.
  func copy() -> PixelStorage? {
    guard let other = PixelStorage(byteCount: byteCount, zeroed: false) else { return nil }
    other.base.copyMemory(from: base, byteCount: byteCount)
    return other
  }

  deinit { free(base) }
}
