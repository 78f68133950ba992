import Foundation
import HarmonizeCheck
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// From headers alone the target spacing is an estimate: nnU-Net tests anisotropy on sizes after cropping to the
/// non-zero region. On zero-padded scans the two differ, and every report of the header-only value says so.
@Suite("Target spacing from headers is an estimate")
struct TargetSpacingEstimateTests {
  /// Three 1 x 1 x (3, 4, 5) mm scans, 100 x 100 x 20 voxels of which only a 40 x 40 block is non-zero. Raw sizes
  /// make z anisotropic (20·3 < 100: the 10th percentile, 3.2 mm); cropped sizes do not (20·3 ≥ 40: the median, 4 mm).
  @Test func zeroPaddedScansChangeTheTargetAndTheHeaderValueSaysSo() throws {
    let folder = TemporaryFolder("estimate")
    try DatasetFixture.layout(
      at: folder.path, channels: ["CT"], labels: [("background", "0"), ("organ", "1")], numTraining: 3)
    for (index, z) in [3.0, 4.0, 5.0].enumerated() {
      var image = try Volume(geometry: Geometry(size: [100, 100, 20], spacing: [1, 1, z]), pixelType: .i16)
      var label = try Volume(geometry: image.geometry, pixelType: .u8)
      for k in 0..<20 {
        for j in 30..<70 {
          for i in 30..<70 {
            image.setValue(100, at: i + 100 * (j + 100 * k))
            label.setValue(1, at: i + 100 * (j + 100 * k))
          }
        }
      }
      try ImageFile.write(image, to: folder.file("imagesTr/case_\(index)_0000.nii.gz"))
      try ImageFile.write(label, to: folder.file("labelsTr/case_\(index).nii.gz"))
    }
    let headers = try Fingerprinter.fingerprint(folder: folder.path, readPixels: false, tool: "test").fingerprint
    let pixels = try Fingerprinter.fingerprint(folder: folder.path, tool: "test").fingerprint
    #expect(abs(headers.targetSpacing[2] - 3.2) < 1e-9, "\(headers.targetSpacing)")
    #expect(abs(pixels.targetSpacing[2] - 4) < 1e-9, "\(pixels.targetSpacing)")
    #expect(headers.targetSpacingIsEstimate && !pixels.targetSpacingIsEstimate)
    let plan = SpacingPlan.make(headers, candidates: [1], maxSize: nil, memory: 64 * 1_073_741_824)
    #expect(plan.text(dataset: folder.path).contains("estimated from raw sizes"))
    let exact = SpacingPlan.make(pixels, candidates: [1], maxSize: nil, memory: 64 * 1_073_741_824)
    #expect(!exact.text(dataset: folder.path).contains("estimated from raw sizes"))
  }
}
