/// Branch-free, vectorisable stores of `a + (b − a)·w` for whole rows: the innermost loop of the separable path.
///
/// Integer outputs of up to 32 bits are clamped in floating point and then rounded to nearest, ties to even, by the
/// magic-number method (adding 1.5·2^23, or 1.5·2^52 for Double, leaves the rounded integer in the low bits), which
/// needs no libm call and no trapping conversion, so the loop vectorises. Other outputs use `ResamplePixel.cast`.
enum RowStore {
  static func lerp<Acc: BinaryFloatingPoint, Out: ResamplePixel>(
    _ a: UnsafePointer<Acc>, _ b: UnsafePointer<Acc>, _ w: Acc, into out: UnsafeMutablePointer<Out>, count: Int,
    cast: IntegerCast
  ) {
    if cast == .roundAndClamp {
      if let a = a as? UnsafePointer<Float>, let b = b as? UnsafePointer<Float> {
        let w = Float(w)
        switch Out.self {
        case is UInt8.Type: return storeRounded(a, b, w, out, count, as: UInt8.self)
        case is Int8.Type: return storeRounded(a, b, w, out, count, as: Int8.self)
        case is UInt16.Type: return storeRounded(a, b, w, out, count, as: UInt16.self)
        case is Int16.Type: return storeRounded(a, b, w, out, count, as: Int16.self)
        default: break
        }
      } else if let a = a as? UnsafePointer<Double>, let b = b as? UnsafePointer<Double> {
        let w = Double(w)
        switch Out.self {
        case is UInt32.Type: return storeRounded(a, b, w, out, count, as: UInt32.self)
        case is Int32.Type: return storeRounded(a, b, w, out, count, as: Int32.self)
        case is UInt16.Type: return storeRounded(a, b, w, out, count, as: UInt16.self)
        case is Int16.Type: return storeRounded(a, b, w, out, count, as: Int16.self)
        case is UInt8.Type: return storeRounded(a, b, w, out, count, as: UInt8.self)
        case is Int8.Type: return storeRounded(a, b, w, out, count, as: Int8.self)
        default: break
        }
      }
    }
    if Out.self == Acc.self {
      let o = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Acc.self)
      for i in 0..<count { o[i] = a[i] + (b[i] - a[i]) * w }
      return
    }
    for i in 0..<count { out[i] = Out.cast(Double(a[i] + (b[i] - a[i]) * w), cast) }
  }

  @inline(__always)
  private static func storeRounded<I: FixedWidthInteger, Out>(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ w: Float, _ out: UnsafeMutablePointer<Out>, _ count: Int,
    as: I.Type
  ) {
    let o = UnsafeMutableRawPointer(out).assumingMemoryBound(to: I.self)
    let lower = Float(I.min), upper = Float(I.max)
    let magic: Float = 12_582_912  // 1.5·2^23
    for i in 0..<count {
      let v = min(max(a[i] + (b[i] - a[i]) * w, lower), upper)
      o[i] = I(truncatingIfNeeded: Int32(bitPattern: (v + magic).bitPattern) &- 0x4B40_0000)
    }
  }

  @inline(__always)
  private static func storeRounded<I: FixedWidthInteger, Out>(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ w: Double, _ out: UnsafeMutablePointer<Out>, _ count: Int,
    as: I.Type
  ) {
    let o = UnsafeMutableRawPointer(out).assumingMemoryBound(to: I.self)
    let lower = Double(I.min), upper = Double(I.max)
    let magic = 6_755_399_441_055_744.0  // 1.5·2^52
    for i in 0..<count {
      let v = min(max(a[i] + (b[i] - a[i]) * w, lower), upper)
      o[i] = I(truncatingIfNeeded: Int64(bitPattern: (v + magic).bitPattern) &- 0x4338_0000_0000_0000)
    }
  }
}
