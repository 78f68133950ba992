import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

/// The separable label path (reduced slices, a per-label output table, `LabelKernel.vote` at boundaries) against
/// `LabelKernel` voxel by voxel over the whole grid, with many labels so that most output voxels are boundaries.
@Suite("Separable label")
struct SeparableLabelTests {
  /// Small blocks (most output voxels on boundaries) and large ones (long runs inside one label: the sixteen-lane
  /// path of same-type outputs).
  @Test(arguments: [(PixelType.u8, PixelType.u8), (.i16, .i16), (.u16, .f32), (.u8, .i16)], [3, 17])
  func equalsTheEightNeighbourKernel(_ types: (PixelType, PixelType), block: Int) throws {
    let (inType, outType) = types
    let size = [max(37, block * 5 + 1), max(29, block * 4 + 2), 23]
    var labels = try Volume(geometry: Geometry(size: size, spacing: [0.7, 0.7, 2.5]), pixelType: inType)
    var state: UInt64 = 99
    for i in 0..<labels.valueCount {
      let (x, y, z) = (i % size[0], (i / size[0]) % size[1], i / (size[0] * size[1]))
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // Blocks of block x block x 2 voxels, 40 labels (negative ones for i16), a little speckle.
      var label = ((x / block) * 7 + (y / block) * 3 + (z / 2) * 5) % 40
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
      #expect(Set(a).count > 20, "\(inType)->\(outType) at \(spacing), blocks of \(block)")
    }
  }

  /// `LabelKernel.vote`'s two-label pass against `winner` over all eight neighbours, with the weights written out as
  /// the kernel's definition: random labels from small sets (two labels most often, ties in label order) and weights
  /// on a grid of quarters (exact ties) as well as arbitrary ones.
  @Test func voteEqualsTheFullWinnerIncludingTies() {
    var state: UInt64 = 7
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % n
    }
    var checked = 0
    for trial in 0..<200_000 {
      let labelCount = 1 + next(3)
      let v = (0..<8).map { _ in UInt8(5 + next(labelCount) * 3) }
      let w = (0..<3).map { _ in trial % 2 == 0 ? Double(next(5)) / 4 : Double(next(1 << 20)) / Double(1 << 20) }
      let (wx, wy, wz) = (w[0], w[1], w[2])
      let weights = SIMD8<Double>(
        (1 - wx) * (1 - wy) * (1 - wz), wx * (1 - wy) * (1 - wz), (1 - wx) * wy * (1 - wz), wx * wy * (1 - wz),
        (1 - wx) * (1 - wy) * wz, wx * (1 - wy) * wz, (1 - wx) * wy * wz, wx * wy * wz)
      let values = SIMD8<Double>(v.map(Double.init))
      let expected = LabelKernel.winner(values, weights)
      let got = LabelKernel.vote(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], wx, wy, wz)
      if got != expected {
        Issue.record("labels \(v), weights (\(wx), \(wy), \(wz)): vote \(got), winner \(expected)")
        return
      }
      checked += 1
    }
    #expect(checked == 200_000)
  }
}
