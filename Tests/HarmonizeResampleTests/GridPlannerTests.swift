import HarmonizeVolume
import Testing

@testable import HarmonizeResample

@Suite("GridPlanner")
struct GridPlannerTests {
  private func header(
    _ size: [Int], _ spacing: [Double], origin: [Double]? = nil, direction: [Double]? = nil
  ) -> ImageHeader {
    ImageHeader(
      format: "", geometry: Geometry(size: size, spacing: spacing, origin: origin, direction: direction),
      pixelType: .i16, components: 1)
  }

  @Test func sizeRuleRoundsHalfToEvenAsPythonRound() {
    #expect(GridPlanner.outputSize(101, 0.5, 1.0) == 50)  // 50.5 → 50
    #expect(GridPlanner.outputSize(103, 0.5, 1.0) == 52)  // 51.5 → 52
    #expect(GridPlanner.outputSize(300, 2.5, 1.0) == 750)
    #expect(GridPlanner.outputSize(3, 1, 100) == 1)  // never 0
  }

  @Test func centerGridSharesTheInputCentre() throws {
    let input = header([10, 10, 10], [1, 1, 1], origin: [5, -3, 2])
    let plan = try GridPlanner.plan(input, ResampleRequest(target: .spacing([0.5])))
    #expect(plan.geometry.size == [20, 20, 20])
    // First sample at input index -0.25: half an output voxel inside the field of view's edge at -0.5.
    #expect(plan.geometry.origin == [4.75, -3.25, 1.75])
    let inputCentre = input.geometry.point(atIndex: [4.5, 4.5, 4.5])
    let outputCentre = plan.geometry.point(atIndex: [9.5, 9.5, 9.5])
    #expect(inputCentre == outputCentre)
    #expect(plan.warnings.isEmpty)
  }

  @Test func sitkGridKeepsOriginAndWarnsAboutTheEmptyLastPlane() throws {
    let input = header([10, 10, 10], [1, 1, 1], origin: [5, -3, 2])
    let plan = try GridPlanner.plan(input, ResampleRequest(target: .spacing([0.5]), grid: .sitk))
    #expect(plan.geometry.origin == [5, -3, 2])
    #expect(plan.geometry.size == [20, 20, 20])
    #expect(plan.warnings.count == 3)
    let down = try GridPlanner.plan(input, ResampleRequest(target: .spacing([3]), grid: .sitk))
    #expect(down.warnings.isEmpty)
  }

  @Test func nnunetGridAlignsFieldOfViewEdges() throws {
    let plan = try GridPlanner.plan(
      header([10, 10, 10], [1, 1, 1]), ResampleRequest(target: .spacing([3]), grid: .nnunet))
    #expect(plan.geometry.size == [3, 3, 3])
    // The header says where the samples are: 10/3 input voxels apart, the first at input index 7/6 (the field of view
    // kept), not the nominal 3 mm at the input's origin.
    #expect(plan.geometry.spacing.allSatisfy { abs($0 - 10.0 / 3.0) < 1e-12 })
    #expect(plan.geometry.origin.allSatisfy { abs($0 - 7.0 / 6.0) < 1e-12 })
    guard case .arraySpace(let scale, let offset) = plan.sampling else {
      Issue.record("expected array space")
      return
    }
    // Samples at 1.1667, 4.5, 7.8333 (reference/resampling.md b.13).
    #expect(abs(scale[0] * 0 + offset[0] - 7.0 / 6.0) < 1e-12)
    #expect(abs(scale[0] * 1 + offset[0] - 4.5) < 1e-12)
  }

  @Test func isotropicCapKeepsIsotropyAndFieldOfView() throws {
    let input = header([512, 512, 300], [0.7, 0.7, 2.5])
    let plan = try GridPlanner.plan(input, ResampleRequest(target: .spacing([0.5]), maxSize: [512]))
    let s = plan.geometry.spacing
    #expect(s[0] == s[1] && s[1] == s[2])
    #expect(plan.capped)
    #expect(plan.geometry.size.max() == 512)
    #expect(abs(Double(plan.geometry.size[2]) * s[2] - 750) < s[2])  // z field of view, 300 × 2.5 mm, kept
    #expect(abs(s[0] - 750.0 / 512) < 1e-12)  // just enough: the tightest axis exactly fills the cap
    #expect(plan.warnings.contains { $0.hasPrefix("size cap: spacing coarsened") })
  }

  @Test func perAxisCapCoarsensOnlyTheOffendingAxis() throws {
    let plan = try GridPlanner.plan(
      header([512, 512, 300], [0.7, 0.7, 2.5]),
      ResampleRequest(target: .spacing([0.7, 0.7, 0.5]), maxSize: [512, 512, 600]))
    #expect(plan.geometry.spacing[0] == 0.7 && plan.geometry.spacing[1] == 0.7)
    #expect(plan.geometry.size[2] == 600)
  }

  @Test func voxelCapCoarsensEveryAxisByOneFactor() throws {
    let plan = try GridPlanner.plan(
      header([100, 100, 100], [1, 1, 1]), ResampleRequest(target: .spacing([0.5]), maxVoxels: 1_000_000))
    #expect(plan.geometry.voxelCount! <= 1_000_000)
    #expect(plan.geometry.voxelCount! > 900_000)
    #expect(Set(plan.geometry.spacing).count == 1)
  }

  @Test(arguments: [[0.0], [-1.0], [Double.nan], [0.5, 0.5, 0.5, 0.5]])
  func invalidSpacingIsRejected(_ spacing: [Double]) {
    #expect(throws: ResampleError.self) {
      try GridPlanner.plan(header([4, 4, 4], [1, 1, 1]), ResampleRequest(target: .spacing(spacing)))
    }
  }

  @Test func capBelowOneIsRejected() {
    #expect(throws: ResampleError.self) {
      try GridPlanner.plan(header([4, 4, 4], [1, 1, 1]), ResampleRequest(target: .spacing([1]), maxSize: [0]))
    }
  }

  @Test func outputBytesComeFromTheHeaderAlone() throws {
    let plan = try GridPlanner.plan(header([512, 512, 300], [0.7, 0.7, 2.5]), ResampleRequest(target: .spacing([1])))
    #expect(plan.geometry.size == [358, 358, 750])
    #expect(plan.outputBytes == 358 * 358 * 750 * 2)
  }
}
