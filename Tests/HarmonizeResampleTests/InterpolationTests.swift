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

  /// B-spline's working memory is part of the one memory figure the refusal and the batch reservation use (batch used
  /// to reserve 166 MiB for a case that peaked at 559 MiB). On a grid whose axes are the input's it is the separable
  /// path's stack of reduced slices and per-thread slices (it was counted as 8 bytes per input voxel, the 64-tap
  /// path's coefficients, 7x too much here); SimpleITK mode and rotated grids keep the coefficients.
  @Test func layoutMemoryCountsBSplineWorkingMemory() throws {
    let header = ImageHeader(
      format: "NIfTI", geometry: Geometry(size: [100, 100, 100], spacing: [1, 1, 1]), pixelType: .f32, components: 1)
    func memory(_ interpolation: Interpolation, sitk: Bool = false, direction: [Double]? = nil) throws -> Int {
      let request = ResampleRequest(
        target: direction.map { .like(Geometry(size: [50, 50, 50], spacing: [2, 2, 2], direction: $0)) }
          ?? .spacing([2]), interpolation: interpolation, sitkCompatible: sitk, threads: 2)
      let plan = try GridPlanner.plan(header, request)
      return FileResampler.layout(
        inputPath: "/nonexistent.nii.gz", header: header, output: "/tmp/out.nii.gz", plan: plan,
        request: request
      ).memoryBytes
    }
    // 50 x 50 output columns and rows x 100 input slices as Float; per thread a Double input slice, row and output
    // row; 150 positions of taps.
    let separable = 50 * 50 * 100 * 4 + 2 * 8 * (100 * 100 + 100 + 50) + 150 * 65
    #expect(try memory(.bspline) - memory(.linear) == separable)
    #expect(try memory(.bspline, sitk: true) - memory(.linear, sitk: true) == 100 * 100 * 100 * 8)
    let rotated = [0.6, -0.8, 0, 0.8, 0.6, 0, 0, 0, 1.0]
    #expect(try memory(.bspline, direction: rotated) - memory(.linear, direction: rotated) == 100 * 100 * 100 * 8)
  }

  /// nnU-Net's 3D path holds float64 passes beside the input and output; the one memory figure counts them (it counted
  /// 4 bytes per input voxel, far below the 96 MB the passes of this upsampling hold). Across a separate axis only a
  /// plane per thread is held.
  @Test func layoutMemoryCountsNNUNetsFloat64Passes() throws {
    func layout(_ size: [Int], _ spacing: [Double], _ target: Double) throws -> (memory: Int, pixels: Int, out: [Int]) {
      let header = ImageHeader(
        format: "NIfTI", geometry: Geometry(size: size, spacing: spacing), pixelType: .f32, components: 1)
      let request = ResampleRequest(target: .spacing([target]), interpolation: .nnunet, threads: 2)
      let plan = try GridPlanner.plan(header, request)
      let memory = FileResampler.layout(
        inputPath: "/nonexistent.nii.gz", header: header, output: "/tmp/out.nii.gz", plan: plan, request: request
      ).memoryBytes
      return (memory, header.pixelByteCount! + plan.outputBytes!, plan.geometry.size)
    }
    // 100³ at 1 mm to 0.5 mm: the z pass holds 200 x 200 x 100 and 200³ doubles at once.
    let whole = try layout([100, 100, 100], [1, 1, 1], 0.5)
    #expect(whole.out == [200, 200, 200])
    #expect(whole.memory - whole.pixels >= 8 * (200 * 200 * 100 + 200 * 200 * 200))
    // 0.7 x 0.7 x 2.5 mm to 1 mm: planes across z, 2 threads of two planes each, far below one output volume.
    let planes = try layout([512, 512, 300], [0.7, 0.7, 2.5], 1)
    #expect(planes.memory - planes.pixels > 0)
    #expect(planes.memory - planes.pixels <= 2 * 8 * 2 * 358 * 512)
  }
}
