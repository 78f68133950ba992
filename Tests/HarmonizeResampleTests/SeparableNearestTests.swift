import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

/// The separable nearest path (a row table of x offsets) against `NearestKernel` through the general row loop, voxel by
/// voxel over whole grids: up- and downsampling, grids reaching outside the input (default value), same-type and
/// converting outputs.
@Suite("Separable nearest")
struct SeparableNearestTests {
  @Test(arguments: [(PixelType.u8, PixelType.u8), (.i16, .i16), (.i16, .f32), (.f64, .i16), (.f32, .u8)])
  func equalsTheRowKernel(_ types: (PixelType, PixelType)) throws {
    let (inType, outType) = types
    let input = SyntheticVolume.make(size: [23, 19, 11], spacing: [0.7, 0.9, 2.5], pixelType: inType)
    let targets: [ResampleRequest.Target] = [
      .spacing([1.0]), .spacing([0.3, 0.45, 1.1]), .spacing([1.9, 0.6, 3.0]),
      // Half the grid outside the input on every axis, on the input's axes.
      .like(Geometry(size: [20, 16, 9], spacing: [1.1, 1.3, 2.0], origin: [-9, 8, -7])),
    ]
    for target in targets {
      let request = ResampleRequest(target: target, interpolation: .nearest, defaultValue: 7, outputType: outType)
      let (fast, plan) = try Resampler.resample(input, request)
      let map = CoordinateMap(input: input.geometry, output: plan.geometry, sampling: plan.sampling, exactITK: false)
      let job = Job(geometry: input.geometry, components: 1, map: map, request: request)
      var slow = try Volume(geometry: plan.geometry, pixelType: outType)
      func run<In: ResamplePixel, Out: ResamplePixel>(_: In.Type, _: Out.Type) {
        #expect(SeparableNearest.applies(job))
        slow.withUnsafeMutableBufferPointer(as: Out.self) { out in
          input.withUnsafeBufferPointer(as: In.self) { source in
            fillRows(job, source.baseAddress!, out.baseAddress!, NearestKernel.self)
          }
        }
      }
      switch (inType, outType) {
      case (.u8, .u8): run(UInt8.self, UInt8.self)
      case (.i16, .i16): run(Int16.self, Int16.self)
      case (.i16, .f32): run(Int16.self, Float.self)
      case (.f64, .i16): run(Double.self, Int16.self)
      default: run(Float.self, UInt8.self)
      }
      let (a, b) = (fast.allValues, slow.allValues)
      let differing = zip(a, b).filter { $0 != $1 }.count
      #expect(a.count == b.count && differing == 0, "\(inType)->\(outType) onto \(target): \(differing) voxels differ")
      #expect(Set(a).count > 5)
    }
  }
}
