import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

@Suite("Reorientation")
struct ReorientationTests {
  /// All 48 axis codes: every permutation of the three world axes with every sign.
  static let allCodes: [String] = {
    let letters = [("L", "R"), ("P", "A"), ("I", "S")]
    var codes: [String] = []
    for p in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
      for signs in 0..<8 {
        codes.append(p.enumerated().map { b, w in (signs >> b) & 1 == 1 ? letters[w].1 : letters[w].0 }.joined())
      }
    }
    return codes
  }()

  @Test(arguments: ["RA", "RAX", "RRS", "LRS", "RASS", ""])
  func invalidCodesAreRejected(_ code: String) {
    #expect(throws: ResampleError.self) { try Reorientation.parse(code) }
  }

  /// Every voxel keeps its value at its physical position: the output voxel's centre maps to an integer input index
  /// holding the same value.
  @Test(arguments: allCodes)
  func everyCodeKeepsEveryVoxelAtItsPhysicalPoint(_ code: String) throws {
    let input = SyntheticVolume.make(
      size: [4, 3, 5], spacing: [0.7, 1.1, 2.5], origin: [10, -20, 5],
      direction: SyntheticVolume.obliqueDirection(degrees: 9), pixelType: .i16)
    let output = try Reorientation.reorient(input, to: code)
    #expect(Orientation.axisCodes(output.geometry) == code)
    #expect(output.geometry.size.sorted() == [3, 4, 5])
    let inverse = invert3(Space3(input.geometry).indexToPhysical)!
    let size = output.geometry.size
    for n in 0..<output.voxelCount {
      let index = [Double(n % size[0]), Double((n / size[0]) % size[1]), Double(n / (size[0] * size[1]))]
      let p = output.geometry.point(atIndex: index)
      let v = (0..<3).map { p[$0] - input.geometry.origin[$0] }
      let c = (0..<3).map { r in (0..<3).map { inverse[r * 3 + $0] * v[$0] }.reduce(0, +) }
      let rounded = c.map { $0.rounded() }
      #expect(zip(c, rounded).allSatisfy { abs($0 - $1) < 1e-9 })
      let source = Int(rounded[0]) + 4 * (Int(rounded[1]) + 3 * Int(rounded[2]))
      #expect(output.value(at: n) == input.value(at: source))
    }
  }

  @Test(arguments: allCodes)
  func reorientingBackRestoresGeometryAndVoxelsExactly(_ code: String) throws {
    let input = SyntheticVolume.make(
      size: [4, 3, 5], spacing: [0.7, 1.1, 2.5], origin: [10, -20, 5], pixelType: .f32)
    let there = try Reorientation.reorient(input, to: code)
    let back = try Reorientation.reorient(there, to: "LPS")
    #expect(back.geometry == input.geometry)
    #expect(back.allValues == input.allValues)
  }

  @Test(arguments: PixelType.allCases)
  func everyPixelTypeFourDAndComponentsMoveWhole(_ type: PixelType) throws {
    let series = SyntheticVolume.make(size: [3, 4, 2, 3], spacing: [1, 2, 3, 2000], pixelType: type)
    let moved = try Reorientation.reorient(series, to: "SAR")
    #expect(moved.geometry.size == [2, 4, 3, 3])
    #expect(moved.geometry.spacing == [3, 2, 1, 2000])
    let back = try Reorientation.reorient(moved, to: "LPS")
    #expect(back.allValues == series.allValues)
    let vector = SyntheticVolume.make(size: [3, 4, 2], pixelType: type, components: 3)
    let vectorBack = try Reorientation.reorient(try Reorientation.reorient(vector, to: "RAS"), to: "LPS")
    #expect(vectorBack.allValues == vector.allValues)
  }

  @Test func twoDimensionalImagesOnlyFlipOrSwapInPlane() throws {
    let plane = SyntheticVolume.make(size: [3, 4], spacing: [0.5, 0.25], pixelType: .u8)
    let flipped = try Reorientation.reorient(plane, to: "RAS")
    #expect(flipped.geometry.size == [3, 4])
    #expect(Orientation.axisCodes(flipped.geometry) == "RAS")
    #expect(throws: ResampleError.self) { try Reorientation.reorient(plane, to: "SAR") }
  }

  @Test func alreadyInTheTargetIsAnIdentityPlan() throws {
    let plan = try Reorientation.plan(Geometry(size: [2, 2, 2], spacing: [1, 1, 1]), to: "LPS")
    #expect(plan.isIdentity)
  }
}
