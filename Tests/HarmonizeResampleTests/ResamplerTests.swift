import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

@Suite("Resampler")
struct ResamplerTests {
  private func ramp(_ size: [Int], spacing: [Double], type: PixelType = .f32, components: Int = 1) throws -> Volume {
    var v = try Volume(geometry: Geometry(size: size, spacing: spacing), pixelType: type, components: components)
    let n = v.valueCount
    switch type {
    case .f32: v.withUnsafeMutableBufferPointer(as: Float.self) { for i in 0..<n { $0[i] = Float(i % 97) + 1 } }
    case .u8: v.withUnsafeMutableBufferPointer(as: UInt8.self) { for i in 0..<n { $0[i] = UInt8(i % 97) + 1 } }
    default: Issue.record("unsupported in this helper")
    }
    return v
  }

  @Test func centerGridUpsamplingHasNoEmptyLastPlaneButSitkGridDoes() throws {
    let input = try ramp([6, 5, 4], spacing: [1, 1, 1])
    for interpolation in [Interpolation.linear, .nearest, .label, .bspline] {
      let (centered, _) = try Resampler.resample(
        input, ResampleRequest(target: .spacing([0.5]), interpolation: interpolation))
      #expect(!centered.allValues.contains(0), "\(interpolation): a centred grid never samples outside")
      let (recipe, _) = try Resampler.resample(
        input, ResampleRequest(target: .spacing([0.5]), grid: .sitk, interpolation: interpolation))
      #expect(recipe.allValues.contains(0), "\(interpolation): the recipe's last plane is outside")
    }
  }

  @Test func labelModeNeverInventsALabel() throws {
    // A 0 | 5 edge upsampled: linear would make 2 (reference b.11); label mode only 0 or 5.
    var labels = try Volume(geometry: Geometry(size: [8, 3, 3], spacing: [1, 1, 1]), pixelType: .u8)
    labels.withUnsafeMutableBufferPointer(as: UInt8.self) { for i in 0..<$0.count where i % 8 >= 4 { $0[i] = 5 } }
    let (linear, _) = try Resampler.resample(labels, ResampleRequest(target: .spacing([0.3]), interpolation: .linear))
    #expect(Set(linear.allValues).count > 2)
    let (label, _) = try Resampler.resample(labels, ResampleRequest(target: .spacing([0.3]), interpolation: .label))
    #expect(Set(label.allValues) == [0, 5])
    let (nearest, _) = try Resampler.resample(labels, ResampleRequest(target: .spacing([0.3]), interpolation: .nearest))
    #expect(Set(nearest.allValues) == [0, 5])
  }

  /// The separable label path (labels of up to 16 bits) and the general eight-neighbour vote give identical labels.
  @Test(arguments: [[0.5], [1.3, 0.9, 2.2], [0.37]])
  func separableLabelPathMatchesTheFullVote(_ spacing: [Double]) throws {
    var generator = SystemRandomNumberGenerator()
    let geometry = Geometry(size: [23, 19, 11], spacing: [0.7, 0.8, 2.5], origin: [3, -2, 1])
    var small = try Volume(geometry: geometry, pixelType: .i16)
    var wide = try Volume(geometry: geometry, pixelType: .i32)
    // Blobs of labels 0...6 with noisy borders: many boundary voxels, many uniform ones.
    let labels = (0..<(23 * 19 * 11)).map { n -> Int in
      let (x, y, z) = (n % 23, (n / 23) % 19, n / (23 * 19))
      return (x / 5 + y / 6 + z / 3 + (Int.random(in: 0..<10, using: &generator) == 0 ? 1 : 0)) % 7
    }
    small.withUnsafeMutableBufferPointer(as: Int16.self) { for n in 0..<$0.count { $0[n] = Int16(labels[n]) } }
    wide.withUnsafeMutableBufferPointer(as: Int32.self) { for n in 0..<$0.count { $0[n] = Int32(labels[n]) } }
    let request = ResampleRequest(target: .spacing(spacing), interpolation: .label)
    let (fast, _) = try Resampler.resample(small, request)
    let (full, _) = try Resampler.resample(wide, request)
    #expect(fast.allValues == full.allValues)
    #expect(Set(fast.allValues).isSubset(of: Set(labels.map(Double.init))))
  }

  @Test func labelModePicksTheMajorityOfManyLabels() throws {
    // Labels 1..27 in a 3 x 3 x 3 block; resampled onto the same grid every voxel keeps its own label.
    var labels = try Volume(geometry: Geometry(size: [3, 3, 3], spacing: [1, 1, 1]), pixelType: .i16)
    labels.withUnsafeMutableBufferPointer(as: Int16.self) { for i in 0..<27 { $0[i] = Int16(i + 1) } }
    let (same, _) = try Resampler.resample(
      labels, ResampleRequest(target: .like(labels.geometry), interpolation: .label))
    #expect(same.allValues == labels.allValues)
  }

  @Test func integerOutputsRoundToNearestTiesToEvenByDefaultAndTruncateInSitkMode() throws {
    // Values 1, 2 on two voxels; sampled at their midpoint: 1.5.
    var v = try Volume(geometry: Geometry(size: [2, 1, 1], spacing: [1, 1, 1]), pixelType: .i16)
    v.withUnsafeMutableBufferPointer(as: Int16.self) {
      $0[0] = 1
      $0[1] = 2
    }
    let mid = Geometry(size: [1, 1, 1], spacing: [1, 1, 1], origin: [0.5, 0, 0])
    let (rounded, _) = try Resampler.resample(v, ResampleRequest(target: .like(mid)))
    #expect(rounded.value(at: 0) == 2)  // 1.5 → 2 (even)
    let (truncated, _) = try Resampler.resample(v, ResampleRequest(target: .like(mid), sitkCompatible: true))
    #expect(truncated.value(at: 0) == 1)
    #expect(
      Int16.cast(2.5, .roundAndClamp) == 2 && Int16.cast(-2.5, .roundAndClamp) == -2
        && Int16.cast(2.6, .roundAndClamp) == 3)
    #expect(
      UInt8.cast(300, .roundAndClamp) == 255 && UInt8.cast(-4, .roundAndClamp) == 0
        && Int8.cast(.nan, .roundAndClamp) == 0)
  }

  @Test(arguments: PixelType.allCases)
  func everyPixelTypeKeepsItsTypeAndValuesOnTheSameGrid(_ type: PixelType) throws {
    let input = SyntheticVolume.make(size: [5, 4, 3], spacing: [0.7, 0.7, 2.5], pixelType: type)
    for interpolation in [Interpolation.linear, .nearest] {
      let (same, _) = try Resampler.resample(
        input, ResampleRequest(target: .like(input.geometry), interpolation: interpolation))
      #expect(same.pixelType == type)
      #expect(same.allValues == input.allValues, "\(type) \(interpolation)")
    }
  }

  @Test func outputTypeConverts() throws {
    let input = try ramp([4, 4, 4], spacing: [1, 1, 1], type: .u8)
    let (out, plan) = try Resampler.resample(input, ResampleRequest(target: .spacing([2]), outputType: .f32))
    #expect(out.pixelType == .f32 && plan.pixelType == .f32)
  }

  @Test func fourDimensionalImageResamplesEachTimePointOnTheSameGrid() throws {
    let input = SyntheticVolume.make(size: [6, 5, 4, 3], spacing: [1, 1, 1, 2000], pixelType: .f32)
    let (out, plan) = try Resampler.resample(input, ResampleRequest(target: .spacing([2])))
    #expect(plan.geometry.size == [3, 2, 2, 3])
    #expect(plan.geometry.spacing[3] == 2000)
    // Each time point equals the 3D resample of that time point alone.
    for t in 0..<3 {
      var single = try Volume(geometry: Geometry(size: [6, 5, 4], spacing: [1, 1, 1]), pixelType: .f32)
      single.withUnsafeMutableBufferPointer(as: Float.self) { buffer in
        input.withUnsafeBufferPointer(as: Float.self) { source in for n in 0..<120 { buffer[n] = source[t * 120 + n] } }
      }
      let (alone, _) = try Resampler.resample(single, ResampleRequest(target: .spacing([2])))
      #expect(alone.allValues == Array(out.allValues[(t * 12)..<(t * 12 + 12)]))
    }
  }

  @Test func multiComponentImageResamplesEachComponent() throws {
    let input = SyntheticVolume.make(size: [6, 5, 4], spacing: [1, 1, 1], pixelType: .f32, components: 2)
    for interpolation in [Interpolation.linear, .nearest, .bspline] {
      let (out, _) = try Resampler.resample(
        input, ResampleRequest(target: .spacing([0.5]), interpolation: interpolation))
      #expect(out.components == 2)
      #expect(out.geometry.size == [12, 10, 8])
    }
  }

  @Test func twoDimensionalAndOneVoxelThickImages() throws {
    let plane = SyntheticVolume.make(size: [8, 6], spacing: [0.5, 0.5], pixelType: .f32)
    let (out2D, _) = try Resampler.resample(plane, ResampleRequest(target: .spacing([1])))
    #expect(out2D.geometry.size == [4, 3])
    let thin = SyntheticVolume.make(size: [8, 6, 1], spacing: [0.5, 0.5, 3], pixelType: .f32)
    let (outThin, _) = try Resampler.resample(thin, ResampleRequest(target: .spacing([1, 1, 3])))
    #expect(outThin.geometry.size == [4, 3, 1])
    #expect(!outThin.allValues.contains(0))
  }

  @Test func separableAndGeneralPathsAgree() throws {
    // The same oblique direction on input and output takes the fast path; a tiny rotation forces the general one.
    let input = SyntheticVolume.make(
      size: [12, 10, 8], spacing: [0.7, 0.8, 2], direction: SyntheticVolume.obliqueDirection(), pixelType: .f32)
    let (fast, plan) = try Resampler.resample(input, ResampleRequest(target: .spacing([0.6])))
    var nudged = plan.geometry
    nudged.direction = nudged.direction.map { $0 + 1e-11 }
    let general = try Resampler.resample(
      input,
      to: GridPlan(
        geometry: nudged, sampling: .physical, requestedSpacing: nil, capped: false, warnings: [], pixelType: .f32,
        components: 1),
      request: ResampleRequest(target: .like(nudged)))
    let worst = zip(fast.allValues, general.allValues).map { abs($0 - $1) }.max() ?? 0
    #expect(worst < 1e-3)
  }
}
