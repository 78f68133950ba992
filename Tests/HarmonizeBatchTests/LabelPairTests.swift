import Foundation
import HarmonizeBatch
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// A segmentation that does not belong to its image, or that loses a label in the resample, is a failed file, not an
/// all-background label with exit 0 (#13.8).
@Suite("Label pairs in batch")
struct LabelPairTests {
  private func options(_ spacing: Double) -> BatchOptions {
    BatchOptions(
      spacing: [spacing], labelInterpolation: .nearest, format: nil, jobs: 2, memoryLimit: 1 << 30,
      shard: Shard(index: 0, count: 1))
  }

  @Test func labelOfAnotherScanFails() throws {
    let input = TemporaryFolder("pair-in")
    try DatasetFixture.write(at: input.path, cases: 2)
    // case_002's label replaced by one 400 mm away: same size, another place.
    try ImageFile.write(
      DatasetFixture.label(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5], origin: [400, 0, 0]),
      to: input.file("labelsTr/case_002.nii.gz"))
    let output = TemporaryFolder("pair-out")
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(0.6), progress: false)
    #expect(summary.failed == 1, "\(summary.text)")
    #expect(summary.failures.first?.input == "labelsTr/case_002.nii.gz")
    #expect(
      summary.failures.first?.error.contains("lies entirely outside its image's field of view") == true,
      "\(summary.text)")
    #expect(!FileManager.default.fileExists(atPath: output.file("labelsTr/case_002.nii.gz")))
    let entry = try #require(Manifest.read(folder: output.path)["labelsTr/case_001.nii.gz"])
    #expect(entry.status == .done)
    let volumes = try #require(entry.labelVolumes)
    #expect(volumes.keys.sorted() == ["1", "2"])
    for (_, pair) in volumes { #expect(pair[0] > 0 && abs(pair[1] - pair[0]) / pair[0] < 0.2, "\(volumes)") }
  }

  @Test func labelThatVanishesAtACoarseSpacingFails() throws {
    let input = TemporaryFolder("pair-vanish")
    try DatasetFixture.write(at: input.path, cases: 1)
    // One voxel of label 7 in a corner: at 4 mm, nearest interpolation misses it.
    var label = try ImageFile.read(at: input.file("labelsTr/case_001.nii.gz"))
    label.withUnsafeMutableBufferPointer(as: UInt8.self) { $0[1 + 24 * (1 + 20 * 1)] = 7 }
    try ImageFile.write(label, to: input.file("labelsTr/case_001.nii.gz"))
    let output = TemporaryFolder("pair-vanish-out")
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(4), progress: false)
    #expect(summary.failed == 1, "\(summary.text)")
    #expect(
      summary.failures.first?.error.contains("label 7 (") == true
        && summary.failures.first?.error.contains("vanished in the output") == true,
      "\(summary.text)")
  }
}
