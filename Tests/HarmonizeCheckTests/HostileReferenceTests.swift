import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeCheck

/// Numbers in nnU-Net's and harmonize's reference files are checked before they reach an index or an Int (#20:
/// plans spacing 1e-300, a short transpose_forward and a fingerprint target spacing of zeros crashed `check`).
@Suite("Hostile references")
struct HostileReferenceTests {
  private func plans(_ transpose: String, _ spacing: String) -> String {
    """
    {"dataset_name": "Dataset009", "plans_name": "nnUNetPlans", "transpose_forward": \(transpose),
     "image_reader_writer": "SimpleITKIO",
     "configurations": {"3d_fullres": {"spacing": \(spacing), "patch_size": [64, 64, 64], "normalization_schemes": ["CTNormalization"],
                                       "resampling_fn_data": "resample_data_or_seg_to_shape"}}}
    """
  }

  @Test(arguments: [
    ("[0, 1, 2]", "[1e-300, 1, 1]", "spacing must be"), ("[0]", "[1, 1, 1]", "transpose_forward"),
    ("[0, 1, 2]", "[1, 1, 1, 1]", "spacing must be"), ("[0, 1, 2]", "[1, \"x\", 1]", nil),
  ])
  func absurdPlansAreRefused(_ transpose: String, _ spacing: String, _ expected: String?) throws {
    let folder = TemporaryFolder("hostile-plans")
    let path = folder.file("plans.json")
    try plans(transpose, spacing).write(toFile: path, atomically: true, encoding: .utf8)
    do {
      let loaded = try NNUNetPlans.load(path)
      // A spacing that is not numbers leaves the configuration out (nnU-Net could not use it either).
      #expect(expected == nil && loaded.configurations.isEmpty, "\(loaded)")
    } catch {
      if let expected { #expect(error.description.contains(expected), "\(error)") } else { Issue.record("\(error)") }
    }
  }

  @Test func fingerprintWithZeroTargetSpacingIsRefused() throws {
    let training = TemporaryFolder("hostile-fp")
    try DatasetFixture.write(at: training.path, cases: 2)
    let result = try Fingerprinter.fingerprint(folder: training.path, readPixels: false, tool: "test")
    var fingerprint = result.fingerprint
    fingerprint.targetSpacing = [0, 0, 0]
    let path = training.file("fp.json")
    try fingerprint.jsonData().write(to: URL(fileURLWithPath: path))
    #expect(throws: CheckReferenceError.self) { try DatasetFingerprint.load(path) }
    do { _ = try DatasetFingerprint.load(path) } catch {
      #expect(error.description.contains("targetSpacing must be 2 or 3 numbers between 1e-06 and 1e+06 mm"), "\(error)")
    }
  }
}
