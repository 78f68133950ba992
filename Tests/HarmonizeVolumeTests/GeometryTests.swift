import Foundation
import Testing

@testable import HarmonizeVolume

@Suite("Geometry")
struct GeometryTests {
  @Test func indexToPointWithObliqueDirection() {
    // Direction columns: axis 0 along +y, axis 1 along -x, axis 2 along +z.
    let g = Geometry(
      size: [4, 4, 4], spacing: [0.5, 2, 3], origin: [10, 20, 30], direction: [0, -1, 0, 1, 0, 0, 0, 0, 1])
    let p = g.point(atIndex: [2, 1, 1])
    let expected: [Double] = [8, 21, 33]
    #expect(p == expected)
  }

  /// `continuousIndex(ofPoint:)` inverts `point(atIndex:)`: the worked example above maps back to its index.
  @Test func pointToContinuousIndexInvertsIndexToPoint() {
    let g = Geometry(
      size: [4, 4, 4], spacing: [0.5, 2, 3], origin: [10, 20, 30], direction: [0, -1, 0, 1, 0, 0, 0, 0, 1])
    let index = g.continuousIndex(ofPoint: [8, 21, 33])
    #expect(zip(index, [2.0, 1, 1]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(index)")
    let half = g.continuousIndex(ofPoint: g.point(atIndex: [0.5, -0.25, 3.75]))
    #expect(zip(half, [0.5, -0.25, 3.75]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(half)")
  }

  @Test func validGeometryHasNoProblems() {
    #expect(Geometry(size: [3, 4, 5], spacing: [0.7, 0.7, 2.5]).problems.isEmpty)
  }

  @Test(arguments: [0.0, -1.0, Double.nan, Double.infinity])
  func spacingMustBeFiniteAndPositive(_ bad: Double) {
    let problems = Geometry(size: [3, 4, 5], spacing: [0.7, bad, 2.5]).problems
    #expect(problems.count == 1)
    #expect(problems.first?.hasPrefix("spacing must be finite and > 0, not (0.7, ") == true)
  }

  @Test func singularDirectionIsAProblem() {
    let g = Geometry(size: [2, 2, 2], spacing: [1, 1, 1], direction: [1, 0, 0, 1, 0, 0, 0, 0, 1])
    #expect(g.problems.contains { $0.hasPrefix("direction matrix is singular") })
  }

  @Test func voxelCountReportsOverflow() {
    #expect(Geometry(size: [1 << 31, 1 << 31, 1 << 31], spacing: [1, 1, 1]).voxelCount == nil)
    #expect(Geometry(size: [512, 512, 300], spacing: [1, 1, 1]).voxelCount == 78_643_200)
  }

  @Test func rasAffineNegatesXAndY() {
    let g = Geometry(size: [2, 2, 2], spacing: [2, 3, 4], origin: [1, 2, 3])
    let expected: [[Double]] = [[-2, 0, 0, -1], [0, -3, 0, -2], [0, 0, 4, 3], [0, 0, 0, 1]]
    #expect(g.rasAffine == expected)
  }

  @Test func twoDimensionalGeometryEmbedsInThreeD() {
    let g = Geometry(size: [5, 6], spacing: [0.5, 0.25], origin: [3, 4])
    let expected: [[Double]] = [[-0.5, 0, 0, -3], [0, -0.25, 0, -4], [0, 0, 1, 0], [0, 0, 0, 1]]
    #expect(g.rasAffine == expected)
  }

  @Test func determinantOfPermutationIsMinusOne() {
    #expect(determinant([0, 1, 0, 1, 0, 0, 0, 0, 1], 3) == -1)
  }
}
