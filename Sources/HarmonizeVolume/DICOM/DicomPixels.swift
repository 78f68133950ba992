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
    let bits = slice.bitsStored, signed = slice.pixelRepresentation == 1
    let mask: Int64 = bits >= 64 ? -1 : (1 << Int64(bits)) - 1
    let signBit: Int64 = 1 << Int64(bits - 1)
    let trimmed = bits < slice.bitsAllocated
    let (slope, intercept) = (slice.slope, slice.intercept)
    let plain = slope == 1 && intercept == 0
    @inline(__always) func stored(_ i: Int) -> Int64 {
      var v: Int64
      switch slice.bitsAllocated {
      case 8:
        v =
          signed
          ? Int64(source.load(fromByteOffset: i, as: Int8.self)) : Int64(source.load(fromByteOffset: i, as: UInt8.self))
      case 16:
        v =
          signed
          ? Int64(source.load(fromByteOffset: 2 * i, as: Int16.self))
          : Int64(source.load(fromByteOffset: 2 * i, as: UInt16.self))
      default:
        v =
          signed
          ? Int64(source.load(fromByteOffset: 4 * i, as: Int32.self))
          : Int64(source.load(fromByteOffset: 4 * i, as: UInt32.self))
      }
      if trimmed {
        v &= mask
        if signed && v & signBit != 0 { v -= mask + 1 }
      }
      return v
    }
    switch output {
    case .f32:
      for i in 0..<count {
        target.storeBytes(of: Float(Double(stored(i)) * slope + intercept), toByteOffset: 4 * i, as: Float.self)
      }
    case .f64:
      for i in 0..<count {
        target.storeBytes(of: Double(stored(i)) * slope + intercept, toByteOffset: 8 * i, as: Double.self)
      }
    default:
      let (s, c) = (Int64(slope), Int64(intercept))
      for i in 0..<count {
        let v = plain ? stored(i) : stored(i) * s + c
        switch output {
        case .u8: target.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
        case .i8: target.storeBytes(of: Int8(truncatingIfNeeded: v), toByteOffset: i, as: Int8.self)
        case .u16: target.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: 2 * i, as: UInt16.self)
        case .i16: target.storeBytes(of: Int16(truncatingIfNeeded: v), toByteOffset: 2 * i, as: Int16.self)
        case .u32: target.storeBytes(of: UInt32(truncatingIfNeeded: v), toByteOffset: 4 * i, as: UInt32.self)
        default: target.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: 4 * i, as: Int32.self)
        }
      }
    }
  }
}
