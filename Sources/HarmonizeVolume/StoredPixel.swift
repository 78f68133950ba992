/// A Swift type that is exactly one of the ten pixel component types.
public protocol StoredPixel: Numeric, Sendable {
  /// The pixel type this Swift type stores.
  static var pixelType: PixelType { get }
  /// The value as a Double (exact up to 2^53).
  var doubleValue: Double { get }
}

extension UInt8: StoredPixel {
  public static var pixelType: PixelType { .u8 }
  public var doubleValue: Double { Double(self) }
}
extension Int8: StoredPixel {
  public static var pixelType: PixelType { .i8 }
  public var doubleValue: Double { Double(self) }
}
extension UInt16: StoredPixel {
  public static var pixelType: PixelType { .u16 }
  public var doubleValue: Double { Double(self) }
}
extension Int16: StoredPixel {
  public static var pixelType: PixelType { .i16 }
  public var doubleValue: Double { Double(self) }
}
extension UInt32: StoredPixel {
  public static var pixelType: PixelType { .u32 }
  public var doubleValue: Double { Double(self) }
}
extension Int32: StoredPixel {
  public static var pixelType: PixelType { .i32 }
  public var doubleValue: Double { Double(self) }
}
extension UInt64: StoredPixel {
  public static var pixelType: PixelType { .u64 }
  public var doubleValue: Double { Double(self) }
}
extension Int64: StoredPixel {
  public static var pixelType: PixelType { .i64 }
  public var doubleValue: Double { Double(self) }
}
extension Float: StoredPixel {
  public static var pixelType: PixelType { .f32 }
  public var doubleValue: Double { Double(self) }
}
extension Double: StoredPixel {
  public static var pixelType: PixelType { .f64 }
  public var doubleValue: Double { self }
}
