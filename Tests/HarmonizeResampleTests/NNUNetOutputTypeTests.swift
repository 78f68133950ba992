import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample
@testable import HarmonizeVolume

/// `--output-type` after nnU-Net's resampling casts by the outputs' one rule (`ResamplePixel.cast`: rounded half to
/// even, clamped, NaN to 0). A cast of its own trapped on NaN (Int16(NaN)) before it reused that rule.
@Suite("nnU-Net resampling with an output type")
struct NNUNetOutputTypeTests {
  @Test func explicitOutputTypeCastsLikeEveryOtherOutput() throws {
    var volume = SyntheticVolume.make(size: [8, 7, 6], spacing: [1, 1, 1], pixelType: .f32)
    volume.withUnsafeMutableBufferPointer(as: Float.self) { values in
      values[100] = .nan
      values[5] = 40_000  // above Int16's range: clamped
    }
    let float = try Resampler.resample(volume, ResampleRequest(target: .spacing([0.5]), interpolation: .nnunet)).0
    let cast = try Resampler.resample(
      volume, ResampleRequest(target: .spacing([0.5]), interpolation: .nnunet, outputType: .i16)
    ).0
    #expect(cast.pixelType == .i16 && cast.geometry.size == float.geometry.size)
    #expect((0..<float.valueCount).contains { float.value(at: $0).isNaN }, "the NaN reaches the output")
    #expect(
      (0..<float.valueCount).allSatisfy {
        cast.value(at: $0) == Double(Int16.cast(float.value(at: $0), .roundAndClamp))
      })
  }
}
