import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

/// The separable label path (reduced slices, a per-label output table, `LabelKernel.vote` at boundaries) against
/// `LabelKernel` voxel by voxel over the whole grid, with many labels so that most output voxels are boundaries.
@Suite("Separable label")
struct SeparableLabelTests {
  @Test(arguments: [(PixelType.u8, PixelType.u8), (.i16, .i16), (.u16, .f32), (.u8, .i16)])
  func equalsTheEightNeighbourKernel(_ types: (PixelType, PixelType)) throws {
    let (inType, outType) = types
    var labels = try Volume(geometry: Geometry(size: [37, 29, 23], spacing: [0.7, 0.7, 2.5]), pixelType: inType)
    var state: UInt64 = 99
    for i in 0..<labels.valueCount {
      let (x, y, z) = (i % 37, (i / 37) % 29, i / (37 * 29))
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // Blocks of 3 x 3 x 2 voxels, 40 labels (negative ones for i16), a little speckle.
      var label = ((x / 3) * 7 + (y / 3) * 3 + (z / 2) * 5) % 40
      if state >> 60 == 0 { label = Int(state >> 33) % 40 }
      labels.setValue(Double(inType == .i16 ? label - 20 : label), at: i)
    }
    for spacing in [[1.0], [0.3, 0.45, 1.1], [1.9, 0.6, 3.0]] {
      let request = ResampleRequest(target: .spacing(spacing), interpolation: .label, outputType: outType)
      let (fast, plan) = try Resampler.resample(labels, request)
      let map = CoordinateMap(input: labels.geometry, output: plan.geometry, sampling: plan.sampling, exactITK: false)
      let job = Job(geometry: labels.geometry, components: 1, map: map, request: request)
      var slow = try Volume(geometry: plan.geometry, pixelType: outType)
      func run<In: ResamplePixel, Out: ResamplePixel>(_: In.Type, _: Out.Type) {
        #expect(SeparableLabel.applies(job, In.self))
        slow.withUnsafeMutableBufferPointer(as: Out.self) { out in
          labels.withUnsafeBufferPointer(as: In.self) { input in
            fillRows(job, input.baseAddress!, out.baseAddress!, LabelKernel.self)
          }
        }
      }
      switch (inType, outType) {
      case (.u8, .u8): run(UInt8.self, UInt8.self)
      case (.i16, .i16): run(Int16.self, Int16.self)
      case (.u16, .f32): run(UInt16.self, Float.self)
      default: run(UInt8.self, Int16.self)
      }
      let (a, b) = (fast.allValues, slow.allValues)
      let differing = zip(a, b).filter { $0 != $1 }.count
      #expect(a.count == b.count && differing == 0, "\(inType)->\(outType) at \(spacing): \(differing) voxels differ")
      #expect(Set(a).count > 20)
    }
  }
}
