/// Type of one pixel component, as stored in the file and in memory.
///
/// The ten types every supported format can hold. Names follow the short numpy-like spelling users see
/// in `harmonize info` (`u8`, `i16`, `f32`, ...); `numpyName` gives numpy's dtype name.
public enum PixelType: String, CaseIterable, Codable, Sendable {
  case u8, i8, u16, i16, u32, i32, u64, i64, f32, f64

  /// Bytes of one component.
  public var byteCount: Int {
    switch self {
    case .u8, .i8: 1
    case .u16, .i16: 2
    case .u32, .i32, .f32: 4
    case .u64, .i64, .f64: 8
    }
  }

  /// Whether values are integers (signed or not).
  public var isInteger: Bool { self != .f32 && self != .f64 }

  /// Whether the type holds negative values.
  public var isSigned: Bool {
    switch self {
    case .u8, .u16, .u32, .u64: false
    default: true
    }
  }

  /// numpy's dtype name (`uint8`, `int16`, `float32`, ...), as nibabel and SimpleITK's arrays report it.
  public var numpyName: String {
    switch self {
    case .u8: "uint8"
    case .i8: "int8"
    case .u16: "uint16"
    case .i16: "int16"
    case .u32: "uint32"
    case .i32: "int32"
    case .u64: "uint64"
    case .i64: "int64"
    case .f32: "float32"
    case .f64: "float64"
    }
  }

  /// Smallest and largest value the type holds, as Double (exact for every type up to 32 bits).
  public var range: ClosedRange<Double> {
    switch self {
    case .u8: 0...Double(UInt8.max)
    case .i8: Double(Int8.min)...Double(Int8.max)
    case .u16: 0...Double(UInt16.max)
    case .i16: Double(Int16.min)...Double(Int16.max)
    case .u32: 0...Double(UInt32.max)
    case .i32: Double(Int32.min)...Double(Int32.max)
    case .u64: 0...Double(UInt64.max)
    case .i64: Double(Int64.min)...Double(Int64.max)
    case .f32: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
    case .f64: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    }
  }
}

extension PixelType {
  /// Value number `index` of native-order values of this type starting at `base` (any alignment), as a Double.
  @inlinable
  public func value(in base: UnsafeRawPointer, at index: Int) -> Double {
    switch self {
    case .u8: return Double(base.load(fromByteOffset: index, as: UInt8.self))
    case .i8: return Double(base.load(fromByteOffset: index, as: Int8.self))
    case .u16: return Double(base.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
    case .i16: return Double(base.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
    case .u32: return Double(base.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
    case .i32: return Double(base.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
    case .u64: return Double(base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
    case .i64: return Double(base.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
    case .f32: return Double(base.loadUnaligned(fromByteOffset: index * 4, as: Float.self))
    case .f64: return base.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
    }
  }
}
