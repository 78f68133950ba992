import Foundation
import HarmonizeResample
import Testing

@Suite("nnU-Net logits")
struct NNUNetLogitsTests {
  /// The float64-to-float16 rounding of the export equals the hardware-independent conversion Swift's Float16 makes
  /// (IEEE round to nearest, ties to even), over every binade, exact ties, subnormals and overflow.
  @Test func roundingToHalfIsIEEE() {
    var generator = SystemRandomNumberGenerator()
    var values: [Double] = [
      0, -0.0, 1, -1, 65504, 65519.99, 65520, -65520, 1e-9, 5.960464477539063e-08, 0x1p-25, 0x1p-24,
    ]
    for exponent in -26...16 {
      for _ in 0..<200 {
        let x = Double.random(in: 1..<2, using: &generator) * Double(sign: .plus, exponent: exponent, significand: 1)
        values.append(Bool.random() ? x : -x)
      }
      // Exact ties: a half's value plus half its unit in the last place.
      let half = Float16(Double(sign: .plus, exponent: exponent, significand: 1.2345))
      if half.isFinite && half != 0 {
        values.append(Double(half) + Double(half.ulp) / 2)
        values.append(Double(half.nextUp) + Double(half.ulp) / 2)
      }
    }
    for x in values {
      let expected = Double(Float16(x))
      let ours = NNUNetLogits.roundedToHalf(x)
      #expect(ours == expected || (ours.isNaN && expected.isNaN), "\(x): \(ours) vs \(expected)")
      #expect(ours.sign == expected.sign || ours == 0, "\(x): sign")
    }
  }
}
