import Foundation
import HarmonizeCheck
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize fingerprint` against nnunetv2 2.8.1's own `extract_fingerprints` and `plan_experiments`, on the bundled
/// two-channel sample dataset, on a dataset built from real MR scans (an anisotropic scan, the same scan zero-padded
/// with a small label, a 4 mm scan) and on one built from a real CT (TotalSegmentator's 1 mm brain atlas as 5 mm
/// slices, 3 mm slices zero-padded, and a 1 mm block): per-case spacings and shapes after cropping, the foreground intensity statistics
/// (nnU-Net weighs every case the same; harmonize used to pool every foreground voxel), the 3d_fullres spacing and
/// median image size.
@Suite("Fingerprint against nnunetv2")
struct NNUNetFingerprintConformanceTests {
  struct Planned: Decodable {
    struct Fingerprint: Decodable {
      let spacings: [[Double]]
      let shapes_after_crop: [[Int]]
      let foreground_intensity_properties_per_channel: [String: IntensityStatistics]
      let median_relative_size_after_cropping: Double
    }
    let fingerprint: Fingerprint
    let spacing: [Double]
    let median_size: [Double]
    let transpose_forward: [Int]
  }

  @Test func fingerprintsAndFullresPlansEqualNNUNets() throws {
    let root = TemporaryFolder("nnunet-fingerprint")
    let raw = root.file("raw"), preprocessed = root.file("preprocessed")
    try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: preprocessed, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: TestEnvironment.packageRoot + "/Samples/Dataset001_Tiny", toPath: raw + "/Dataset001_Tiny")
    _ = try oracle(["dataset", RealScanConformanceTests.cache, raw])
    let planned = try JSONDecoder().decode(
      [String: Planned].self, from: Data(try oracle(["fingerprint", raw, preprocessed, "1", "2", "4"]).utf8))
    for (id, folder) in [("1", "Dataset001_Tiny"), ("2", "Dataset002_RealMR"), ("4", "Dataset004_RealCT")] {
      let theirs = try #require(planned[id])
      let ours = try Fingerprinter.fingerprint(folder: raw + "/" + folder, tool: "test").fingerprint
      // nnU-Net's arrays are (z, y, x): ITK order reversed.
      #expect(ours.cases.map { Array($0.spacing.reversed()) }.count == theirs.fingerprint.spacings.count)
      for (mine, spacing) in zip(ours.cases, theirs.fingerprint.spacings) {
        #expect(zip(mine.spacing.reversed(), spacing).allSatisfy { abs($0 - $1) < 1e-5 }, "\(folder) \(mine.id)")
      }
      #expect(
        ours.cases.map { ($0.sizeAfterCrop ?? []).reversed() } == theirs.fingerprint.shapes_after_crop,
        "\(folder): shapes after crop")
      for (channel, stats) in theirs.fingerprint.foreground_intensity_properties_per_channel {
        let mine = try #require(ours.intensity[Int(channel)!].foreground, "\(folder) channel \(channel)")
        let range = stats.max - stats.min
        let pairs: [(String, Double, Double)] = [
          ("min", mine.min, stats.min), ("max", mine.max, stats.max), ("mean", mine.mean, stats.mean),
          ("median", mine.median, stats.median), ("std", mine.std, stats.std),
          ("percentile_00_5", mine.percentile_00_5, stats.percentile_00_5),
          ("percentile_99_5", mine.percentile_99_5, stats.percentile_99_5),
        ]
        for (name, a, b) in pairs {
          #expect(abs(a - b) <= 0.01 * range, "\(folder) channel \(channel) \(name): \(a) vs nnU-Net's \(b)")
        }
      }
      let relative = try #require(ours.medianRelativeSizeAfterCropping, "\(folder): relative size")
      #expect(
        abs(relative - theirs.fingerprint.median_relative_size_after_cropping) < 1e-9,
        "\(folder): median relative size after cropping \(relative)")
      // 3d_fullres: spacing and median size in nnU-Net's transposed axes.
      let numpyTarget = Array(ours.targetSpacing.reversed())
      let transposed = theirs.transpose_forward.map { numpyTarget[$0] }
      #expect(zip(transposed, theirs.spacing).allSatisfy { abs($0 - $1) < 1e-5 }, "\(folder): \(transposed)")
      let median = try #require(ours.targetMedianSize, "\(folder): median size")
      let numpyMedian = Array(median.reversed())
      #expect(theirs.transpose_forward.map { numpyMedian[$0] } == theirs.median_size, "\(folder): \(median)")
    }
  }

  /// `resample --nnunet-plans` on the zero-padded anisotropic case of the real-MR dataset, image and segmentation,
  /// against nnU-Net's preprocessor geometry with the plans it just made (transpose, crop, its resampling functions):
  /// as stored (identity transpose) and with the voxel axes reversed (nnU-Net's plans then transpose).
  @Test(arguments: ["Dataset002_RealMR", "Dataset003_PermutedMR"])
  func resampleWithPlansEqualsNNUNetsPreprocessing(_ dataset: String) throws {
    let root = TemporaryFolder("nnunet-plans")
    let raw = root.file("raw"), preprocessed = root.file("preprocessed")
    try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: preprocessed, withIntermediateDirectories: true)
    _ = try oracle(["dataset", RealScanConformanceTests.cache, raw])
    let planned = try JSONDecoder().decode(
      [String: Planned].self,
      from: Data(try oracle(["fingerprint", raw, preprocessed, String(dataset.dropFirst(7).prefix(3))]).utf8))
    let plans = preprocessed + "/\(dataset)/nnUNetPlans.json"
    let image = raw + "/\(dataset)/imagesTr/mr_002_0000.nii.gz"
    let label = raw + "/\(dataset)/labelsTr/mr_002.nii.gz"
    if dataset == "Dataset003_PermutedMR" {
      #expect(planned.values.first?.transpose_forward != [0, 1, 2], "the permuted dataset must make nnU-Net transpose")
    }
    var jobs: [[String: Any]] = []
    for (index, (file, seg)) in [(image, false), (label, true)].enumerated() {
      let output = root.file("harmonize_\(index).nii.gz")
      let result = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", file, output, "--nnunet-plans", plans, "--no-sidecar"]
          + (seg ? ["--interpolation", "nnunet-label", "--crop-to", image] : []))
      #expect(result.status == 0, "\(result.stderr)")
      jobs.append([
        "file": file, "spacing": [1, 1, 1], "seg": seg, "raw": root.file("nnunet_\(index).raw"), "plans": plans,
        "crop": [image],
      ])
    }
    let jobsPath = root.file("jobs.json")
    try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: jobsPath))
    struct Result: Decodable {
      let size: [Int]
      let min: Double
      let max: Double
    }
    let results = try JSONDecoder().decode([Result].self, from: Data(try oracle(["resample", jobsPath]).utf8))
    for index in 0..<2 {
      let ours = try ImageFile.read(at: root.file("harmonize_\(index).nii.gz"))
      #expect(ours.geometry.size == results[index].size, "\(index): size")
      guard ours.geometry.size == results[index].size else { continue }
      let theirs = try Data(contentsOf: URL(fileURLWithPath: root.file("nnunet_\(index).raw")))
      let range = max(results[index].max - results[index].min, 1)
      var worst = 0.0
      theirs.withUnsafeBytes { bytes in
        let values = bytes.bindMemory(to: Double.self)
        for i in 0..<ours.valueCount { worst = max(worst, abs(ours.value(at: i) - values[i])) }
      }
      #expect(index == 1 ? worst == 0 : worst <= 1e-4 * range, "\(index): max difference \(worst)")
    }
  }

  private func oracle(_ arguments: [String]) throws -> String {
    let result = try run(TestEnvironment.python, [NNUNetResampleConformanceTests.oracle] + arguments)
    guard result.status == 0 else {
      throw TestEnvironmentError("nnunet_oracle.py \(arguments[0]) failed: \(result.stderr.suffix(2000))")
    }
    return result.stdout
  }
}
