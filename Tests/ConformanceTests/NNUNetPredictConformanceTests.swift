import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize predict` end to end with the real nnunetv2 2.8.1 and model folders built from the plans nnU-Net made for
/// datasets of real scans (TotalSegmentator's CT brain atlas as two-channel cases: 5 mm slices, zero-padded 3 mm
/// slices, a 1 mm block; a real MR with its voxel axes reversed, so the plans transpose), with fixed random weights in
/// a CPU-sized network (`nnunet_model.py`). The reference is nnU-Net's own prediction of the same inputs with the same
/// model (`nnUNetPredictor.predict_from_files_sequential`: its preprocessing, sliding window and export).
@Suite("predict against nnunetv2", .serialized)
struct NNUNetPredictConformanceTests {
  static let modelTool = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/nnunet_model.py"

  /// Raw datasets, their plans and one model per dataset, built once for the suite.
  struct Fixture: Sendable {
    let root: String
    let ctInputs: String
    let ctModel: String
    let mrInputs: String
    let mrModel: String
  }

  static let fixture: Result<Fixture, TestEnvironmentError> = {
    do {
      let root = TemporaryFolder("nnunet-predict").path
      let raw = root + "/raw", preprocessed = root + "/preprocessed"
      for folder in [raw, preprocessed] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
      try python([NNUNetResampleConformanceTests.oracle, "dataset", RealScanConformanceTests.cache, raw])
      try python([NNUNetResampleConformanceTests.oracle, "fingerprint", raw, preprocessed, "3", "4"])
      // Named as nnU-Net names a trained model's folder (the configuration is its suffix).
      let ct = root + "/ct/nnUNetTrainer__nnUNetPlans__3d_fullres"
      let mr = root + "/mr/nnUNetTrainer__nnUNetPlans__3d_fullres"
      try python([modelTool, "model", preprocessed, "Dataset004_RealCT", ct])
      try python([modelTool, "model", preprocessed, "Dataset003_PermutedMR", mr, "--labels", "6"])
      return .success(
        Fixture(
          root: root, ctInputs: raw + "/Dataset004_RealCT/imagesTr", ctModel: ct,
          mrInputs: raw + "/Dataset003_PermutedMR/imagesTr", mrModel: mr))
    } catch let error as TestEnvironmentError {
      return .failure(error)
    } catch {
      return .failure(TestEnvironmentError("\(error)"))
    }
  }()

  @discardableResult
  static func python(_ arguments: [String]) throws -> String {
    let result = try run(TestEnvironment.python, arguments)
    guard result.status == 0 else {
      throw TestEnvironmentError("\(PathText.name(arguments[0])) \(arguments[1]) failed: \(result.stderr.suffix(2000))")
    }
    return result.stdout
  }

  static func predict(_ arguments: [String]) throws -> ProcessResult {
    try run(
      TestEnvironment.harmonizeBinary,
      ["predict"] + arguments + ["--python", TestEnvironment.python, "--threads", "2", "--", "--disable_tta"])
  }

  /// nnU-Net's own prediction of a folder (computed once per folder and model).
  static func nnunet(_ inputs: String, model: String, into output: String) throws {
    if FileManager.default.fileExists(atPath: output) { return }
    try python([modelTool, "predict", model, inputs, output, "--no-tta"])
  }

  /// Copies the channel files of the cases `ids` (`ID_XXXX.nii.gz`) into `folder`, made if missing.
  static func copyCases(_ ids: [String], from source: String, to folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: source)
    where ids.contains(where: { name.hasPrefix($0 + "_") }) {
      try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder + "/" + name)
    }
  }

  /// Voxels that differ between two label maps on the same grid, and the voxel count.
  static func differing(_ a: String, _ b: String) throws -> (Int, Int) {
    let x = try ImageFile.read(at: a), y = try ImageFile.read(at: b)
    #expect(x.geometry.size == y.geometry.size, "\(a) vs \(b): sizes")
    guard x.valueCount == y.valueCount else { return (x.valueCount, x.valueCount) }
    var count = 0
    for i in 0..<x.valueCount where x.value(at: i) != y.value(at: i) { count += 1 }
    return (count, x.valueCount)
  }

  /// Label maps on exactly the inputs' grids, one per case, u8, classes only.
  static func expectOnOriginalGrids(_ inputs: String, _ output: String, classes: Int) throws {
    let images = try FileManager.default.contentsOfDirectory(atPath: inputs).filter { $0.hasSuffix("_0000.nii.gz") }
    #expect(!images.isEmpty)
    for name in images {
      let id = String(name.dropLast("_0000.nii.gz".count))
      let original = try ImageFile.readHeader(at: inputs + "/" + name).geometry
      let labels = try ImageFile.read(at: output + "/" + id + ".nii.gz")
      #expect(labels.geometry.difference(from: original) == nil, "\(id): not on the input's grid")
      #expect(labels.geometry.size == original.size, "\(id): size")
      #expect(labels.pixelType == .u8)
      var largest = 0.0
      for i in 0..<labels.valueCount { largest = max(largest, labels.value(at: i)) }
      #expect(largest < Double(classes) && largest > 0, "\(id): labels up to \(largest)")
    }
  }

  /// `--export exact` gives nnU-Net's labels: on the two-channel CT (CT normalization and masked z-score; nnU-Net's
  /// separate-z export for the 5 mm and 3 mm cases, its 3D export for the 1 mm block, a zero-padded case it crops)
  /// and on the transposed MR plans (z-score), with harmonize's preprocessing and with nnU-Net's own.
  @Test(arguments: [("ct", false), ("mr", false), ("ct", true)])
  func exactExportEqualsNNUNetsPrediction(_ dataset: String, _ nnunetPreprocessing: Bool) throws {
    let f = try Self.fixture.get()
    let (inputs, model, classes) = dataset == "ct" ? (f.ctInputs, f.ctModel, 4) : (f.mrInputs, f.mrModel, 6)
    let reference = f.root + "/nnunet_\(dataset)"
    try Self.nnunet(inputs, model: model, into: reference)
    let output = f.root + "/exact_\(dataset)_\(nnunetPreprocessing)"
    // predict --qc on one of the runs: each input case with its predicted labels outlined.
    let qc = dataset == "mr" && !nnunetPreprocessing ? output + "-qc" : nil
    let result = try Self.predict(
      [inputs, output, "--model", model] + (nnunetPreprocessing ? ["--nnunet-preprocessing"] : [])
        + (qc.map { ["--qc", $0] } ?? []))
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    try Self.expectOnOriginalGrids(inputs, output, classes: classes)
    if let qc {
      let cases = try FileManager.default.contentsOfDirectory(atPath: inputs).filter { $0.hasSuffix("_0000.nii.gz") }
      #expect(result.stderr.contains("qc: \(cases.count) case"), "\(result.stderr)")
      for name in cases {
        let page = try String(
          contentsOfFile: qc + "/cases/" + name.dropLast("_0000.nii.gz".count) + ".html", encoding: .utf8)
        #expect(page.contains("data-label=\"1\"") && page.contains("-image-axial.png"), "\(name): \(page.prefix(1500))")
      }
    }
    for name in try FileManager.default.contentsOfDirectory(atPath: reference) where name.hasSuffix(".nii.gz") {
      let (different, total) = try Self.differing(output + "/" + name, reference + "/" + name)
      print(
        "predict --export exact \(dataset)\(nnunetPreprocessing ? " --nnunet-preprocessing" : "") \(name): \(different) of \(total) voxels differ from nnU-Net's"
      )
      #expect(Double(different) <= 0.001 * Double(total), "\(name): \(different) of \(total) voxels differ")
    }
  }

  /// `--export labels` lands on the same grids. Where nnU-Net only resamples across the slices (nearest) it equals
  /// nnU-Net's export; where it interpolates, restoring the argmax differs at every class boundary, and a network
  /// with random weights makes fragmented labels, all boundary (the 1 mm block: about a tenth of the voxels).
  @Test func labelsExportIsOnTheOriginalGrid() throws {
    let f = try Self.fixture.get()
    let reference = f.root + "/nnunet_ct"
    try Self.nnunet(f.ctInputs, model: f.ctModel, into: reference)
    let output = f.root + "/labels_ct"
    let result = try Self.predict([f.ctInputs, output, "--model", f.ctModel, "--export", "labels"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    try Self.expectOnOriginalGrids(f.ctInputs, output, classes: 4)
    for name in try FileManager.default.contentsOfDirectory(atPath: reference) where name.hasSuffix(".nii.gz") {
      let (different, total) = try Self.differing(output + "/" + name, reference + "/" + name)
      print("predict --export labels ct \(name): \(different) of \(total) voxels differ from nnU-Net's")
      #expect(
        Double(different) <= (name == "ct_003.nii.gz" ? 0.15 : 0) * Double(total),
        "\(name): \(different) of \(total) voxels differ")
    }
  }

  /// A case stored with its axes permuted (and flipped) is reoriented to the training orientation for the network and
  /// its labels put back on its own grid: they are the stored case's labels, moved voxel for voxel.
  @Test func permutedCaseIsPredictedInTheTrainingOrientation() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-permuted")
    let plain = folder.file("plain"), turned = folder.file("turned")
    for sub in [plain, turned] {
      try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    }
    for channel in ["0000", "0001"] {
      let source = f.ctInputs + "/ct_001_\(channel).nii.gz"
      try FileManager.default.copyItem(atPath: source, toPath: plain + "/ct_001_\(channel).nii.gz")
      let r = try run(
        TestEnvironment.harmonizeBinary, ["reorient", source, turned + "/ct_001_\(channel).nii.gz", "--to", "SAR"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let outPlain = folder.file("out_plain"), outTurned = folder.file("out_turned")
    for (inputs, output) in [(plain, outPlain), (turned, outTurned)] {
      let result = try Self.predict([inputs, output, "--model", f.ctModel, "--training-orientation", "LPS"])
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
    try Self.expectOnOriginalGrids(turned, outTurned, classes: 4)
    // The permuted case's labels, turned back to LPS, are the stored case's.
    let back = folder.file("back.nii.gz")
    let r = try run(TestEnvironment.harmonizeBinary, ["reorient", outTurned + "/ct_001.nii.gz", back, "--to", "LPS"])
    #expect(r.status == 0, "\(r.stderr)")
    let (different, total) = try Self.differing(back, outPlain + "/ct_001.nii.gz")
    #expect(different == 0, "\(different) of \(total) voxels differ")
  }

  /// A re-run skips the cases it finished; a changed input or a removed output is predicted again.
  @Test func rerunSkipsFinishedCases() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-resume")
    let inputs = folder.file("in"), output = folder.file("out")
    try Self.copyCases(["ct_001", "ct_003"], from: f.ctInputs, to: inputs)
    let first = try Self.predict([inputs, output, "--model", f.ctModel])
    #expect(first.status == 0 && first.stdout.contains("2 predicted, 0 skipped"), "\(first.stdout)\(first.stderr)")
    // The work folder of a killed run (its process gone) is cleared by the next run.
    let abandoned = output + "/.harmonize-predict-3999999"
    try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: true)
    try Data(count: 16).write(to: URL(fileURLWithPath: abandoned + "/ct_001.logits"))
    let second = try Self.predict([inputs, output, "--model", f.ctModel])
    #expect(second.status == 0 && second.stdout.contains("0 predicted, 2 skipped"), "\(second.stdout)\(second.stderr)")
    #expect(!FileManager.default.fileExists(atPath: abandoned))
    // A changed channel file (new time) and a deleted output: both cases again, the other settings unchanged.
    let touched = inputs + "/ct_001_0001.nii.gz"
    try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: touched)
    try FileManager.default.removeItem(atPath: output + "/ct_003.nii.gz")
    let third = try Self.predict([inputs, output, "--model", f.ctModel])
    #expect(third.status == 0 && third.stdout.contains("2 predicted, 0 skipped"), "\(third.stdout)\(third.stderr)")
    // Another export is another result: redone.
    let fourth = try Self.predict([inputs, output, "--model", f.ctModel, "--export", "labels"])
    #expect(fourth.stdout.contains("2 predicted, 0 skipped"), "\(fourth.stdout)\(fourth.stderr)")
  }

  /// A case with a channel the model does not have stops the run with check's channel finding; nothing is written.
  @Test func extraChannelStopsTheRun() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-channels")
    let inputs = folder.file("in"), output = folder.file("out")
    try Self.copyCases(["ct_001"], from: f.ctInputs, to: inputs)
    try FileManager.default.copyItem(
      atPath: f.ctInputs + "/ct_001_0001.nii.gz", toPath: inputs + "/ct_001_0002.nii.gz")
    let result = try Self.predict([inputs, output, "--model", f.ctModel])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("ct_001: channels:"), "\(result.stderr)")
    let written = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
    #expect(!written.contains { $0.hasSuffix(".nii.gz") }, "\(written)")
  }

  /// A truncated channel file stops the run at the check; with --force the other case is predicted and this one
  /// fails with one line naming the file, exit 1.
  @Test func corruptChannelFailsOnlyItsCase() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-corrupt")
    let inputs = folder.file("in"), output = folder.file("out")
    try Self.copyCases(["ct_001", "ct_003"], from: f.ctInputs, to: inputs)
    let whole = try Data(contentsOf: URL(fileURLWithPath: inputs + "/ct_003_0000.nii.gz"))
    try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: inputs + "/ct_003_0000.nii.gz"))
    let refused = try Self.predict([inputs, output, "--model", f.ctModel])
    #expect(refused.status == 1 && refused.stderr.contains("nothing was predicted"), "\(refused.stderr)")
    let forced = try Self.predict([inputs, output, "--model", f.ctModel, "--force"])
    #expect(forced.status == 1, "\(forced.stdout)\(forced.stderr)")
    #expect(forced.stdout.contains("1 predicted, 0 skipped (already done), 1 failed"), "\(forced.stdout)")
    #expect(
      forced.stderr.contains("error: ct_003: \(inputs)/ct_003_0000.nii.gz: truncated"), "\(forced.stderr)")
    #expect(FileManager.default.fileExists(atPath: output + "/ct_001.nii.gz"))
    #expect(!FileManager.default.fileExists(atPath: output + "/ct_003.nii.gz"))
  }

  /// A Python without nnunetv2 is named, with the fix, in one line; exit 2.
  @Test func pythonWithoutNNUNetIsNamed() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-python")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["predict", f.ctInputs, folder.file("out"), "--model", f.ctModel, "--python", "/usr/bin/python3"])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("nnunetv2 cannot be imported") && result.stderr.contains("pip install nnunetv2"))
    #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1, "\(result.stderr)")
    // A Python that is not there at all: named, exit 2, no case marked failed.
    let missing = try run(
      TestEnvironment.harmonizeBinary,
      ["predict", f.ctInputs, folder.file("out2"), "--model", f.ctModel, "--python", "no-such-python-\(getpid())"])
    #expect(missing.status == 2, "\(missing.stdout)\(missing.stderr)")
    #expect(missing.stderr.contains("cannot run this Python"), "\(missing.stderr)")
    #expect(!missing.stdout.contains("failed:"), "\(missing.stdout)")
  }

  /// A case given as DICOM series folders, one per channel (`ct_001_0000/`, `ct_001_0001/`, written by pydicom from
  /// the NIfTI channel files, on their grid), is predicted as the NIfTI case is: the same labels, on the same grid.
  @Test func aDicomSeriesFolderIsACase() throws {
    let f = try Self.fixture.get()
    let folder = TemporaryFolder("predict-dicom")
    let nifti = folder.file("nifti"), dicom = folder.file("dicom")
    try Self.copyCases(["ct_001"], from: f.ctInputs, to: nifti)
    for channel in ["0000", "0001"] {
      try Self.python([
        DicomConformanceTests.script, "from-image", nifti + "/ct_001_\(channel).nii.gz", dicom + "/ct_001_\(channel)",
        "CT",
      ])
    }
    // Without harmonize reading them, nnU-Net would not: check says so, with the conversion.
    let checked = try run(TestEnvironment.harmonizeBinary, ["check", dicom, "--against", f.ctModel])
    #expect(
      checked.status == 1 && checked.stdout.contains("a DICOM series: nnU-Net reads only"),
      "\(checked.status) \(checked.stdout)\(checked.stderr)")
    #expect(checked.stdout.contains("harmonize convert"), "\(checked.stdout)")
    let a = try Self.predict([nifti, folder.file("out-nifti"), "--model", f.ctModel])
    let b = try Self.predict([dicom, folder.file("out-dicom"), "--model", f.ctModel])
    #expect(a.status == 0 && b.status == 0, "\(a.stdout)\(a.stderr)\(b.stdout)\(b.stderr)")
    let (count, total) = try Self.differing(
      folder.file("out-nifti/ct_001.nii.gz"), folder.file("out-dicom/ct_001.nii.gz"))
    #expect(count == 0, "\(count) of \(total) voxels differ")
    let x = try ImageFile.readHeader(at: folder.file("out-dicom/ct_001.nii.gz"))
    let y = try ImageFile.readHeader(at: nifti + "/ct_001_0000.nii.gz")
    #expect(x.geometry.difference(from: y.geometry) == nil)
  }
}
