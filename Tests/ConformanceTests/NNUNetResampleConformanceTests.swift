import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `--interpolation nnunet` and `nnunet-label` against nnunetv2 2.8.1 itself (installed from PyPI by the test
/// command), on real MR scans from the dipy wheel and label maps made from them: an anisotropic scan (2 x 2 x 53 mm,
/// resampled in-plane and by nearest neighbour across z) and a 4 mm one (resampled in 3D), plus five random labels
/// halved in size, where every output voxel is a tie, and a real CT (TotalSegmentator's 1 mm brain atlas, every 5th
/// slice: 1 x 1 x 5 mm) with its label map. nnU-Net's result is what
/// `DefaultPreprocessor.run_case_npy` computes with the plans' default resampling functions, before normalization.
@Suite("nnU-Net's own resampling, against nnunetv2")
struct NNUNetResampleConformanceTests {
  struct Made: Decodable {
    let file: String
    let label: Bool
  }
  struct Result: Decodable {
    let file: String
    let size: [Int]
    let min: Double
    let max: Double
  }

  static let oracle = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/nnunet_oracle.py"

  @Test func imagesAndLabelsEqualNNUNets() throws {
    let folder = TemporaryFolder("nnunet-resample")
    let made = try JSONDecoder().decode(
      [Made].self, from: Data(try python(["make", RealScanConformanceTests.cache, folder.path]).utf8))
    #expect(made.count == 9)
    var jobs: [[String: Any]] = []
    for (index, input) in made.enumerated() {
      let spacing =
        input.file.contains("_mr")
        ? [1.0, 1.0, 5.0] : (input.file.contains("ties") ? [2.0, 2.0, 2.0] : [1.5, 1.5, 1.5])
      // The zero-padded scan is cropped to its non-zero box first, as nnU-Net does; its segmentation with the image's.
      let paddedImage = folder.file("padded_mr.nii.gz")
      let crop = input.file.contains("padded") ? (input.label ? ["--crop-to", paddedImage] : ["--crop-nonzero"]) : []
      let output = folder.file("harmonize_\(index).nii.gz")
      let interpolation = input.label ? "nnunet-label" : "nnunet"
      let result = try run(
        TestEnvironment.harmonizeBinary,
        [
          "resample", input.file, output, "--spacing", spacing.map { "\($0)" }.joined(separator: ","),
          "--interpolation", interpolation, "--no-sidecar",
        ] + crop)
      #expect(result.status == 0, "\(result.stderr)")
      var job: [String: Any] = [
        "file": input.file, "spacing": spacing, "seg": input.label, "raw": folder.file("nnunet_\(index).raw"),
      ]
      if !crop.isEmpty { job["crop"] = [paddedImage] }
      jobs.append(job)
    }
    let jobsPath = folder.file("jobs.json")
    try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: jobsPath))
    let results = try JSONDecoder().decode([Result].self, from: Data(try python(["resample", jobsPath]).utf8))
    for (index, input) in made.enumerated() {
      let name = PathText.name(input.file)
      let ours = try ImageFile.read(at: folder.file("harmonize_\(index).nii.gz"))
      let theirs = try Data(contentsOf: URL(fileURLWithPath: folder.file("nnunet_\(index).raw")))
      #expect(ours.geometry.size == results[index].size, "\(name): size")
      guard ours.geometry.size == results[index].size, theirs.count == ours.valueCount * 8 else { continue }
      let range = max(results[index].max - results[index].min, 1)
      var worst = 0.0
      var differing = 0
      theirs.withUnsafeBytes { raw in
        let values = raw.bindMemory(to: Double.self)
        for i in 0..<ours.valueCount {
          let difference = abs(ours.value(at: i) - values[i])
          worst = max(worst, difference)
          if difference > 0 { differing += 1 }
        }
      }
      if input.label {
        #expect(differing == 0, "\(name): \(differing) label voxels differ from nnU-Net's")
      } else {
        #expect(ours.pixelType == .f32, "\(name): nnU-Net resamples images as float32")
        #expect(worst <= 1e-4 * range, "\(name): max difference \(worst) of range \(range)")
      }
      // The header says where nnU-Net's samples are: n/m input voxels apart, the first at index (n/m − 1)/2.
      guard !input.file.contains("padded") else {
        // Uncropped, the 176-voxel padded axes would give 352 samples at 1 mm.
        #expect(ours.geometry.size[0] < 352 && ours.geometry.size[1] < 352, "\(name): cropped before resampling")
        continue
      }
      let source = try ImageFile.readHeader(at: input.file).geometry
      for axis in 0..<3 {
        let scale = Double(source.size[axis]) / Double(ours.geometry.size[axis])
        #expect(abs(ours.geometry.spacing[axis] - source.spacing[axis] * scale) < 1e-4, "\(name): spacing \(axis)")
      }
      let first = source.point(
        atIndex: (0..<3).map { Double(source.size[$0]) / Double(ours.geometry.size[$0]) / 2 - 0.5 })
      #expect(zip(ours.geometry.origin, first).allSatisfy { abs($0 - $1) < 1e-3 }, "\(name): origin")
    }
  }

  private func python(_ arguments: [String]) throws -> String {
    let result = try run(TestEnvironment.python, [Self.oracle] + arguments)
    guard result.status == 0 else {
      throw TestEnvironmentError("nnunet_oracle.py \(arguments[0]) failed: \(result.stderr.suffix(2000))")
    }
    return result.stdout
  }
}
