import Foundation
import Testing

@testable import HarmonizeVolume

@Suite("Orientation")
struct OrientationTests {
  private func codes(_ direction: [Double]) -> String {
    Orientation.axisCodes(Geometry(size: [2, 2, 2], spacing: [1, 1, 1], direction: direction))
  }

  @Test func identityDirectionIsLPSInRASCodes() {
    // ITK's identity points x to the patient's left: nibabel calls that "L".
    #expect(codes([1, 0, 0, 0, 1, 0, 0, 0, 1]) == "LPS")
  }

  @Test func flippedXAndYIsRAS() {
    #expect(codes([-1, 0, 0, 0, -1, 0, 0, 0, 1]) == "RAS")
  }

  @Test func sagittalPermutation() {
    // Axis 0 along -A (posterior... in LPS +y is posterior), axis 1 along -S, axis 2 along -L = R.
    #expect(codes([0, 0, -1, 1, 0, 0, 0, -1, 0]) == "PIR")
  }

  @Test func obliqueRotationPicksClosestAxes() {
    let a = 20.0 * .pi / 180
    // 20 degrees about z from identity: still closest to L, P, S.
    #expect(codes([cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1]) == "LPS")
  }

  @Test func closestOrthogonalOfOrthogonalIsItself() {
    let a = 0.3
    let m = [cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1]
    let r = Orientation.closestOrthogonal(m)
    for (x, y) in zip(m, r) { #expect(abs(x - y) < 1e-12) }
  }
}
