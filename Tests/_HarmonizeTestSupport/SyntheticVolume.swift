import HarmonizeVolume

/// Deterministic test volumes with the geometry under test (TorchIO's `get_image_path(shape:, spacing:)` idea).
public enum SyntheticVolume {
  /// A volume whose value at buffer position `n` is a pattern that visits negative, large and fractional values
  /// where the type allows them, so that a byte-order, sign or stride mistake shows.
  public static func make(
    size: [Int], spacing: [Double]? = nil, origin: [Double]? = nil, direction: [Double]? = nil,
    pixelType: PixelType = .i16, components: Int = 1
  ) -> Volume {
    let geometry = Geometry(size: size, spacing: spacing ?? size.map { _ in 1.0 }, origin: origin, direction: direction)
    var volume = try! Volume(geometry: geometry, pixelType: pixelType, components: components)
    fill(&volume)
    return volume
  }

  /// The pattern's value at buffer position `n` for a pixel type.
  public static func value(_ n: Int, _ type: PixelType) -> Double {
    let base = Double((n * 7919) % 251)
    switch type {
    case .u8: return base
    case .i8: return base - 125
    case .u16: return base * 257
    case .i16: return base * 130 - 16000
    case .u32: return base * 16_000_000 + 7
    case .i32: return base * 16_000_000 - 2_000_000_000
    case .u64: return base * 1e15 + 3
    case .i64: return base * 1e15 - 1e17
    case .f32: return Double(Float(base * 0.37 - 40.125))
    case .f64: return base * 0.37 - 40.125 + 1e-9 * Double(n % 13)
    }
  }

  static func fill(_ volume: inout Volume) {
    switch volume.pixelType {
    case .u8: fill(&volume, UInt8.self) { UInt8($0) }
    case .i8: fill(&volume, Int8.self) { Int8($0) }
    case .u16: fill(&volume, UInt16.self) { UInt16($0) }
    case .i16: fill(&volume, Int16.self) { Int16($0) }
    case .u32: fill(&volume, UInt32.self) { UInt32($0) }
    case .i32: fill(&volume, Int32.self) { Int32($0) }
    case .u64: fill(&volume, UInt64.self) { UInt64($0) }
    case .i64: fill(&volume, Int64.self) { Int64($0) }
    case .f32: fill(&volume, Float.self) { Float($0) }
    case .f64: fill(&volume, Double.self) { $0 }
    }
  }

  private static func fill<T: StoredPixel>(_ volume: inout Volume, _ type: T.Type, _ make: (Double) -> T) {
    let pixelType = volume.pixelType
    volume.withUnsafeMutableBufferPointer(as: T.self) { buffer in
      for n in 0..<buffer.count { buffer[n] = make(value(n, pixelType)) }
    }
  }

  /// An oblique direction: rotations of `degrees` about z, then y, in LPS, row-major 3 x 3.
  public static func obliqueDirection(degrees: Double = 7) -> [Double] {
    let a = degrees * .pi / 180
    let b = degrees * 0.6 * .pi / 180
    let rz: [Double] = [cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1]
    let ry: [Double] = [cos(b), 0, sin(b), 0, 1, 0, -sin(b), 0, cos(b)]
    return (0..<9).map { idx in
      let (r, c) = (idx / 3, idx % 3)
      return (0..<3).map { rz[r * 3 + $0] * ry[$0 * 3 + c] }.reduce(0, +)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif

extension Volume {
  /// Every stored value in buffer order (components interleaved), as Doubles, for comparisons in tests.
  public var allValues: [Double] { (0..<valueCount).map { value(at: $0) } }
}
