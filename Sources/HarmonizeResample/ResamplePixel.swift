import HarmonizeVolume

/// A pixel type the kernels read and write, with the conversion from the interpolated Double.
public protocol ResamplePixel: StoredPixel {
  /// The value as this type: clamped to the type's range, rounded or truncated per `rule` for integers, rounded
  /// to nearest for floats (clamped to ±greatest finite, as ITK clamps to the output type's range).
  static func cast(_ value: Double, _ rule: IntegerCast) -> Self
}

/// `v` rounded per `rule` as an Int64, for |v| < 2^62: one truncating conversion (a single SSE2 instruction) and an
/// exact fix-up, instead of libm's `round` and Swift's generic integer-from-floating-point initializer, which
/// dominated the profile.
@inline(__always)
func roundedInt64(_ v: Double, _ rule: IntegerCast) -> Int64 {
  let t = Int64(v)
  if rule == .truncateAndClamp { return t }
  // Round to nearest, ties to even. f is exact for |v| < 2^52; beyond that v is already an integer and f is 0.
  let f = v - Double(t)
  if f > 0.5 || (f == 0.5 && t & 1 != 0) { return t + 1 }
  if f < -0.5 || (f == -0.5 && t & 1 != 0) { return t - 1 }
  return t
}

/// Clamp to `lower...upper`, then round or truncate; NaN becomes 0, as a cast of NaN has no better answer.
@inline(__always)
func castToInt64(_ value: Double, _ rule: IntegerCast, lower: Int64, upper: Int64) -> Int64 {
  guard !value.isNaN else { return 0 }
  if value <= Double(lower) { return lower }
  if value >= Double(upper) { return upper }
  return min(max(roundedInt64(value, rule), lower), upper)
}

extension UInt8: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> UInt8 {
    UInt8(truncatingIfNeeded: castToInt64(v, rule, lower: 0, upper: 255))
  }
}
extension Int8: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Int8 {
    Int8(truncatingIfNeeded: castToInt64(v, rule, lower: -128, upper: 127))
  }
}
extension UInt16: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> UInt16 {
    UInt16(truncatingIfNeeded: castToInt64(v, rule, lower: 0, upper: 65535))
  }
}
extension Int16: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Int16 {
    Int16(truncatingIfNeeded: castToInt64(v, rule, lower: -32768, upper: 32767))
  }
}
extension UInt32: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> UInt32 {
    UInt32(truncatingIfNeeded: castToInt64(v, rule, lower: 0, upper: 4_294_967_295))
  }
}
extension Int32: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Int32 {
    Int32(truncatingIfNeeded: castToInt64(v, rule, lower: -2_147_483_648, upper: 2_147_483_647))
  }
}
extension UInt64: ResamplePixel {
  // 2^64 is the first Double above UInt64.max.
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> UInt64 {
    guard !v.isNaN else { return 0 }
    if v <= 0 { return 0 }
    if v >= 18_446_744_073_709_551_616.0 { return .max }
    let r = rule == .truncateAndClamp ? v.rounded(.towardZero) : v.rounded(.toNearestOrEven)
    return r >= 18_446_744_073_709_551_616.0 ? .max : UInt64(r)
  }
}
extension Int64: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Int64 {
    guard !v.isNaN else { return 0 }
    if v <= -9_223_372_036_854_775_808.0 { return .min }
    if v >= 9_223_372_036_854_775_808.0 { return .max }
    let r = rule == .truncateAndClamp ? v.rounded(.towardZero) : v.rounded(.toNearestOrEven)
    return r >= 9_223_372_036_854_775_808.0 ? .max : Int64(r)
  }
}
extension Float: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Float {
    let limit = Double(Float.greatestFiniteMagnitude)
    return v > limit ? .greatestFiniteMagnitude : v < -limit ? -.greatestFiniteMagnitude : Float(v)
  }
}
extension Double: ResamplePixel {
  @inline(__always) public static func cast(_ v: Double, _ rule: IntegerCast) -> Double { v }
}

/// A computation over one input and one output pixel type, run by `dispatch` with the concrete types.
protocol PixelTypeKernel {
  associatedtype Result
  func run<In: ResamplePixel, Out: ResamplePixel>(_ input: In.Type, _ output: Out.Type) throws -> Result
}

func dispatch<K: PixelTypeKernel>(_ input: PixelType, _ output: PixelType, _ kernel: K) throws -> K.Result {
  switch input {
  case .u8: try dispatchOutput(UInt8.self, output, kernel)
  case .i8: try dispatchOutput(Int8.self, output, kernel)
  case .u16: try dispatchOutput(UInt16.self, output, kernel)
  case .i16: try dispatchOutput(Int16.self, output, kernel)
  case .u32: try dispatchOutput(UInt32.self, output, kernel)
  case .i32: try dispatchOutput(Int32.self, output, kernel)
  case .u64: try dispatchOutput(UInt64.self, output, kernel)
  case .i64: try dispatchOutput(Int64.self, output, kernel)
  case .f32: try dispatchOutput(Float.self, output, kernel)
  case .f64: try dispatchOutput(Double.self, output, kernel)
  }
}

private func dispatchOutput<In: ResamplePixel, K: PixelTypeKernel>(
  _ input: In.Type, _ output: PixelType, _ kernel: K
) throws -> K.Result {
  switch output {
  case .u8: try kernel.run(In.self, UInt8.self)
  case .i8: try kernel.run(In.self, Int8.self)
  case .u16: try kernel.run(In.self, UInt16.self)
  case .i16: try kernel.run(In.self, Int16.self)
  case .u32: try kernel.run(In.self, UInt32.self)
  case .i32: try kernel.run(In.self, Int32.self)
  case .u64: try kernel.run(In.self, UInt64.self)
  case .i64: try kernel.run(In.self, Int64.self)
  case .f32: try kernel.run(In.self, Float.self)
  case .f64: try kernel.run(In.self, Double.self)
  }
}

/// Every value of `source` as the output type, by the outputs' one cast rule (`ResamplePixel.cast`: clamped, rounded
/// per `rule`, NaN to 0).
struct CastKernel: PixelTypeKernel {
  let source: Volume
  let rule: IntegerCast

  func run<In: ResamplePixel, Out: ResamplePixel>(_ input: In.Type, _ output: Out.Type) throws -> Volume {
    var cast = try Volume(geometry: source.geometry, pixelType: Out.pixelType, components: source.components)
    source.withUnsafeBufferPointer(as: In.self) { values in
      cast.withUnsafeMutableBufferPointer(as: Out.self) { out in
        for i in 0..<values.count { out[i] = Out.cast(values[i].doubleValue, rule) }
      }
    }
    return cast
  }
}
