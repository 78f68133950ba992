import Foundation

/// The network's logits of one case as nnU-Net's predictor returns them (`predict_logits_from_preprocessed_data`):
/// K classes on the network's grid, in nnU-Net's transposed numpy order (axis 0 slowest), C-contiguous, float16 (the
/// sliding window accumulates in half precision) or float32. The memory is borrowed (typically a mapped file).
public struct NNUNetLogits: @unchecked Sendable {
  /// How each value is stored.
  public enum Precision: String, Sendable {
    case half = "float16"
    case single = "float32"

    public var byteCount: Int { self == .half ? 2 : 4 }
  }

  public let base: UnsafeRawPointer
  public let precision: Precision
  public let classes: Int
  /// Sizes along nnU-Net's (transposed) axes 0, 1, 2; axis 2 is contiguous.
  public let shape: [Int]
  /// Voxels of one class (kept: `value` reads it for every sample).
  public let voxels: Int

  /// Wraps `classes · shape` values at `base`.
  public init(base: UnsafeRawPointer, precision: Precision, classes: Int, shape: [Int]) {
    self.base = base
    self.precision = precision
    self.classes = classes
    self.shape = shape
    voxels = shape.reduce(1, *)
  }

  /// The value of class `c` at flat voxel index `i`, as a float64 (exact for both precisions).
  @inline(__always) func value(_ c: Int, _ i: Int) -> Double {
    switch precision {
    case .half: return Self.halfTable[Int(base.load(fromByteOffset: 2 * (c * voxels + i), as: UInt16.self))]
    case .single: return Double(base.load(fromByteOffset: 4 * (c * voxels + i), as: Float.self))
    }
  }

  /// Every binary16 bit pattern as a float64: a table lookup instead of a conversion call per value.
  static let halfTable: [Double] = (0...UInt16.max).map { Double(Float16(bitPattern: $0)) }

  /// `x` rounded to the storage precision (round to nearest, ties to even, as numpy's float64-to-float16 cast),
  /// returned as a float64.
  @inline(__always) func rounded(_ x: Double) -> Double {
    precision == .half ? Self.roundedToHalf(x) : Double(Float(x))
  }

  /// `x` rounded to the nearest binary16 value (ties to even; beyond the largest finite half, infinity), computed
  /// exactly in float64: the value is scaled by a power of two so that the half's last digit is the unit.
  @inline(__always) public static func roundedToHalf(_ x: Double) -> Double {
    let magnitude = abs(x)
    guard magnitude.isFinite else { return x }
    if magnitude >= 65520 { return x < 0 ? -.infinity : .infinity }
    // The half's unit in the last place: 2^(e - 10) for normal halves (e = the exponent of x), 2^-24 below 2^-14.
    let e = magnitude < 0x1p-14 ? -14 : Int(magnitude.exponent)
    let ulp = Double(sign: .plus, exponent: e - 10, significand: 1)
    return (x / ulp).rounded(.toNearestOrEven) * ulp
  }
}
