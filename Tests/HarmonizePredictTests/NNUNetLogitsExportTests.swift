import Foundation
import HarmonizeResample
import Testing

@Suite("nnU-Net logits export")
struct NNUNetLogitsExportTests {
  /// Logits of `classes` on `shape`, float16, from `value(c, i0, i1, i2)`.
  static func logits(_ classes: Int, _ shape: [Int], _ value: (Int, Int, Int, Int) -> Double) -> [Float16] {
    var out: [Float16] = []
    for c in 0..<classes {
      for i0 in 0..<shape[0] {
        for i1 in 0..<shape[1] { for i2 in 0..<shape[2] { out.append(Float16(value(c, i0, i1, i2))) } }
      }
    }
    return out
  }

  static func argmax(
    _ values: [Float16], classes: Int, shape: [Int], to m: [Int], separate: Int?, strides: [Int], base: Int,
    count: Int
  ) -> [UInt8] {
    var labels = [UInt8](repeating: 255, count: count)
    values.withUnsafeBytes { raw in
      let logits = NNUNetLogits(base: raw.baseAddress!, precision: .half, classes: classes, shape: shape)
      labels.withUnsafeMutableBufferPointer { out in
        NNUNetLogitsExport.argmax(
          logits, to: m, separateAxis: separate,
          into: .init(pointer: out.baseAddress!, base: base, strides: strides), threads: 2)
      }
    }
    return labels
  }

  /// Without resampling the labels are the argmax as stored, the first class winning a tie, and the destination's
  /// base and strides place them (here: un-cropped by one voxel on each axis of a 4 x 5 x 6 volume, transposed).
  @Test func identityArgmaxTiesAndPlacement() {
    let shape = [2, 3, 4]
    let values = Self.logits(3, shape) { c, i0, i1, i2 in
      let winner = (i0 + i1 + i2) % 3
      // Class 2 ties class `winner` at voxels where i2 == 0: the first of the two must win.
      if i2 == 0 { return c == winner || c == 2 ? 1 : 0 }
      return c == winner ? 1 : 0
    }
    // Output volume x = 6, y = 5, z = 4 (x fastest); transposed axis 0 -> z, 1 -> x, 2 -> y.
    let strides = [30, 1, 6], base = 1 * 30 + 1 * 1 + 1 * 6
    let labels = Self.argmax(
      values, classes: 3, shape: shape, to: shape, separate: nil, strides: strides, base: base, count: 120)
    for i0 in 0..<2 {
      for i1 in 0..<3 {
        for i2 in 0..<4 {
          let expected = UInt8((i0 + i1 + i2) % 3)
          #expect(labels[base + i0 * 30 + i1 * 1 + i2 * 6] == expected, "\(i0) \(i1) \(i2)")
        }
      }
    }
    #expect(labels.filter { $0 == 255 }.count == 120 - 24, "voxels outside the box are left as they were")
  }

  /// Upsampling a smooth two-class field: the 3D and the separate path agree with a direct float64 evaluation of
  /// nnU-Net's order-1 resize on voxels away from the class boundary.
  @Test(arguments: [nil, 0] as [Int?])
  func upsampledBoundaryFollowsTheLinearField(_ separate: Int?) {
    let shape = [3, 4, 5], m = [3, 9, 11]
    let values = Self.logits(2, shape) { c, _, i1, i2 in c == 0 ? 0 : Double(i1 + i2) - 3.5 }
    let labels = Self.argmax(
      values, classes: 2, shape: shape, to: m, separate: separate, strides: [m[1] * m[2], m[2], 1], base: 0,
      count: m.reduce(1, *))
    for k0 in 0..<m[0] {
      for k1 in 0..<m[1] {
        for k2 in 0..<m[2] {
          let c1 = min(max((Double(k1) + 0.5) * 4 / 9 - 0.5, 0), 3)
          let c2 = min(max((Double(k2) + 0.5) * 5 / 11 - 0.5, 0), 4)
          let field = c1 + c2 - 3.5
          guard abs(field) > 0.01 else { continue }
          #expect(labels[(k0 * m[1] + k1) * m[2] + k2] == (field > 0 ? 1 : 0), "\(k0) \(k1) \(k2)")
        }
      }
    }
  }
}
