import HarmonizeVolume

/// A sliding window of consecutive input z-planes, read forward from a `PlaneReader` into one buffer: input streaming
/// holds this window, never the whole input.
final class PlaneWindow {
  let reader: PlaneReader
  /// The input planes held, the first at the start of the buffer.
  private(set) var planes = 0..<0
  /// Seconds spent reading (and inflating) planes.
  private(set) var readSeconds = 0.0
  private let buffer: UnsafeMutableRawBufferPointer
  private let capacity: Int

  /// A window of up to `capacity` planes (at least one).
  init(reader: PlaneReader, capacity: Int) {
    self.reader = reader
    self.capacity = max(1, capacity)
    buffer = .allocate(byteCount: self.capacity * max(reader.planeBytes, 1), alignment: 64)
  }

  deinit { buffer.deallocate() }

  /// The bytes of the planes held.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<(planes.count * reader.planeBytes)]) }

  /// Moves the window forward so that it holds `needed` (nothing to do when it is empty): planes before it are
  /// dropped, planes after the window are read. `needed` must not start before the window does.
  func slide(to needed: Range<Int>) throws(ImageFileError) {
    guard !needed.isEmpty else { return }
    precondition(
      needed.lowerBound >= planes.lowerBound && needed.count <= capacity,
      "the window only moves forward, within its capacity")
    let start = ContinuousClock.now
    defer { readSeconds += seconds(ContinuousClock.now - start) }
    let planeBytes = reader.planeBytes
    if needed.lowerBound < planes.upperBound {
      let keep = needed.lowerBound..<planes.upperBound
      if keep.lowerBound > planes.lowerBound, let base = buffer.baseAddress {
        base.copyMemory(
          from: base + (keep.lowerBound - planes.lowerBound) * planeBytes, byteCount: keep.count * planeBytes)
      }
      planes = keep
    } else {
      try reader.skip(to: needed.lowerBound, scratch: buffer)
      planes = needed.lowerBound..<needed.lowerBound
    }
    guard needed.upperBound > planes.upperBound else { return }
    let count = needed.upperBound - planes.upperBound
    try reader.read(
      planes: count, into: UnsafeMutableRawBufferPointer(rebasing: buffer[(planes.count * planeBytes)...]))
    planes = planes.lowerBound..<needed.upperBound
  }

  /// Reads the rest of the file and checks its end (CRCs, trailing data): call before the result is kept.
  func finish() throws(ImageFileError) {
    let start = ContinuousClock.now
    defer { readSeconds += seconds(ContinuousClock.now - start) }
    planes = reader.position..<reader.position
    try reader.finish(scratch: buffer)
  }
}

/// A duration in seconds.
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
