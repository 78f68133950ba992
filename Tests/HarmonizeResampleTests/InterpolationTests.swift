import Foundation
import Testing

@testable import HarmonizeResample
@testable import HarmonizeVolume

/// An interpolation carries its properties; the planners and the cost model read them from it (#14 step 3).
@Suite("Interpolation")
struct InterpolationTests {
  @Test func propertiesFollowTheKernel() {
    #expect(Interpolation.allCases.map(\.supportWidth) == [2, 1, 2, 4, 4, 2])
    #expect(Interpolation.allCases.filter(\.isLabelSafe) == [.nearest, .label, .nnunetLabel])
    #expect(Interpolation.allCases.filter(\.needsWholeInput) == [.bspline, .nnunet, .nnunetLabel])
    #expect(
      Interpolation.label.simpleITKCounterpart == nil && Interpolation.bspline.simpleITKCounterpart == "sitkBSpline")
  }

  /// B-spline's float64 coefficients are part of the one memory figure the refusal and the batch reservation use
  /// (batch used to reserve 166 MiB for a case that peaked at 559 MiB).
  @Test func layoutMemoryCountsBSplineCoefficients() throws {
    let header = ImageHeader(
      format: "NIfTI", geometry: Geometry(size: [100, 100, 100], spacing: [1, 1, 1]), pixelType: .f32, components: 1)
    func memory(_ interpolation: Interpolation) throws -> Int {
      let request = ResampleRequest(target: .spacing([2]), interpolation: interpolation)
      let plan = try GridPlanner.plan(header, request)
      return FileResampler.layout(
        inputPath: "/nonexistent.nii.gz", header: header, output: "/tmp/out.nii.gz", plan: plan,
        request: request
      ).memoryBytes
    }
    #expect(try memory(.bspline) - memory(.linear) == 100 * 100 * 100 * 8)
  }
}
