/// DICOM stored values to the values they mean: BitsStored masked (and sign-extended when PixelRepresentation is
/// 1), then RescaleSlope and RescaleIntercept applied, per slice (CT in Hounsfield units). The output type is chosen
/// from the declared ranges of every slice, so that no value can be lost and the type is known from the headers
/// alone: the stored type when nothing is rescaled, the smallest of i16, u16 and i32 that holds every rescaled
/// value when slopes and intercepts are integers, f32 otherwise.
enum DicomPixels {
  /// The type values are stored in.
  static func storedType(_ slice: DicomSlice) -> PixelType? {
    switch (slice.bitsAllocated, slice.pixelRepresentation == 1) {
    case (8, false): .u8
    case (8, true): .i8
    case (16, false): .u16
    case (16, true): .i16
    case (32, false): .u32
    case (32, true): .i32
    default: nil
    }
  }

  /// The range BitsStored and PixelRepresentation allow.
  static func storedRange(_ slice: DicomSlice) -> ClosedRange<Double> {
    let bits = Double(slice.bitsStored)
    return slice.pixelRepresentation == 1
      ? -pow2(bits - 1)...(pow2(bits - 1) - 1) : 0...(pow2(bits) - 1)
  }

  static func pow2(_ x: Double) -> Double { Double(sign: .plus, exponent: Int(x), significand: 1) }

  /// The type that holds every value of every slice once rescaled.
  static func outputType(_ slices: [DicomSlice]) -> PixelType? {
    guard let stored = slices.first.flatMap(storedType) else { return nil }
    if slices.allSatisfy({ $0.slope == 1 && $0.intercept == 0 }) { return stored }
    guard slices.allSatisfy({ $0.slope.rounded() == $0.slope && $0.intercept.rounded() == $0.intercept }) else {
      return .f32
    }
    var low = Double.infinity, high = -Double.infinity
    for slice in slices {
      let range = storedRange(slice)
      let ends = [range.lowerBound * slice.slope + slice.intercept, range.upperBound * slice.slope + slice.intercept]
      low = min(low, ends.min()!)
      high = max(high, ends.max()!)
    }
    for type in [PixelType.i16, .u16, .i32] where type.range.contains(low) && type.range.contains(high) { return type }
    return .f64
  }

  /// Converts `count` stored values of `slice` at `source` into `output` values at `target`.
  static func convert(
    _ source: UnsafeRawPointer, count: Int, of slice: DicomSlice, to output: PixelType,
    at target: UnsafeMutableRawPointer
  ) {
    switch (slice.bitsAllocated, slice.pixelRepresentation == 1) {
    case (8, false): convert(source, UInt8.self, count, slice, output, target)
    case (8, true): convert(source, Int8.self, count, slice, output, target)
    case (16, false): convert(source, UInt16.self, count, slice, output, target)
    case (16, true): convert(source, Int16.self, count, slice, output, target)
    case (32, false): convert(source, UInt32.self, count, slice, output, target)
    default: convert(source, Int32.self, count, slice, output, target)
    }
  }

  /// One stored type: the bits above BitsStored masked off (and the sign extended), then rescaled into `output`.
  private static func convert<Stored: FixedWidthInteger>(
    _ source: UnsafeRawPointer, _: Stored.Type, _ count: Int, _ slice: DicomSlice, _ output: PixelType,
    _ target: UnsafeMutableRawPointer
  ) {
    let values = UnsafeBufferPointer(start: source.assumingMemoryBound(to: Stored.self), count: count)
    let bits = slice.bitsStored
    let trimmed = bits < Stored.bitWidth
    let mask: Int64 = (1 << Int64(bits)) - 1
    let signBit: Int64 = 1 << Int64(bits - 1)
    let signed = Stored.isSigned
    @inline(__always) func stored(_ i: Int) -> Int64 {
      var v = Int64(values[i])
      if trimmed {
        v &= mask
        if signed && v & signBit != 0 { v -= mask + 1 }
      }
      return v
    }
    let (slope, intercept) = (slice.slope, slice.intercept)
    switch output {
    case .f32:
      let out = target.assumingMemoryBound(to: Float.self)
      for i in 0..<count { out[i] = Float(Double(stored(i)) * slope + intercept) }
    case .f64:
      let out = target.assumingMemoryBound(to: Double.self)
      for i in 0..<count { out[i] = Double(stored(i)) * slope + intercept }
    case .u8: store(UInt8.self, count, target, stored, slope, intercept)
    case .i8: store(Int8.self, count, target, stored, slope, intercept)
    case .u16: store(UInt16.self, count, target, stored, slope, intercept)
    case .i16: store(Int16.self, count, target, stored, slope, intercept)
    case .u32: store(UInt32.self, count, target, stored, slope, intercept)
    default: store(Int32.self, count, target, stored, slope, intercept)
    }
  }

  /// Integer outputs: `outputType` chose them only for integer slopes and intercepts whose results fit.
  @inline(__always)
  private static func store<Out: FixedWidthInteger>(
    _: Out.Type, _ count: Int, _ target: UnsafeMutableRawPointer, _ stored: (Int) -> Int64, _ slope: Double,
    _ intercept: Double
  ) {
    let out = target.assumingMemoryBound(to: Out.self)
    let (s, c) = (Int64(slope), Int64(intercept))
    if s == 1 {
      for i in 0..<count { out[i] = Out(truncatingIfNeeded: stored(i) &+ c) }
    } else {
      for i in 0..<count { out[i] = Out(truncatingIfNeeded: stored(i) &* s &+ c) }
    }
  }
}
