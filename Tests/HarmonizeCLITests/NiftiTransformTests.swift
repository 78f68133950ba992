import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// A NIfTI file whose qform and sform disagree (atlases such as FSL's Harvard-Oxford): every command that reads it
/// says so, and `--nifti-transform` chooses (#13.3).
@Suite("NIfTI qform and sform")
struct NiftiTransformTests {
  /// ITK's header with the sform moved 50 mm along x and its code set to MNI152 (4): ITK keeps the qform.
  private func disagreeing(_ folder: TemporaryFolder, _ name: String = "atlas.nii") throws -> String {
    let path = folder.file(name)
    try ImageFile.write(
      SyntheticVolume.make(size: [12, 10, 6], spacing: [1, 1, 2], origin: [-10, 20, 5], pixelType: .i16), to: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.replaceSubrange(254..<256, with: withUnsafeBytes(of: Int16(4).littleEndian) { Array($0) })
    let x = Float(
      bitPattern: UInt32(littleEndian: bytes[292..<296].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
    bytes.replaceSubrange(292..<296, with: withUnsafeBytes(of: (x + 50).bitPattern.littleEndian) { Array($0) })
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func infoWarnsAndTheOptionChooses() throws {
    let folder = TemporaryFolder("xform-info")
    let path = try disagreeing(folder)
    let plain = try run(TestEnvironment.harmonizeBinary, ["info", "--json", path])
    #expect(plain.status == 0, "\(plain.stderr)")
    let itk = try #require(try JSONDecoder().decode([ImageInfo].self, from: Data(plain.stdout.utf8)).first)
    #expect(
      itk.warnings?.first?.contains(
        "qform (scanner) and sform (MNI152) disagree by up to 50 mm; ITK and SimpleITK use the qform") == true,
      "\(String(describing: itk.warnings))")
    let sform = try run(TestEnvironment.harmonizeBinary, ["info", "--json", "--nifti-transform", "sform", path])
    let nibabelView = try #require(try JSONDecoder().decode([ImageInfo].self, from: Data(sform.stdout.utf8)).first)
    // 50 mm more along RAS x is 50 mm less along LPS x.
    #expect(abs(nibabelView.origin[0] - (itk.origin[0] - 50)) < 1e-3, "\(nibabelView.origin) vs \(itk.origin)")
    #expect(nibabelView.origin[1] == itk.origin[1] && nibabelView.origin[2] == itk.origin[2])
  }

  @Test func checkFingerprintAndBatchWarn() throws {
    let training = TemporaryFolder("xform-training")
    try DatasetFixture.write(at: training.path, cases: 2)
    let inputs = TemporaryFolder("xform-inputs")
    _ = try disagreeing(inputs, "case_0000.nii.gz.tmp.nii")
    try FileManager.default.moveItem(
      atPath: inputs.file("case_0000.nii.gz.tmp.nii"), toPath: inputs.file("case_0000.nii"))
    let check = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", training.path, "--json"])
    #expect(check.stdout.contains("\"nifti-transform\""), "\(check.stdout.prefix(2000))")
    let fingerprint = try run(
      TestEnvironment.harmonizeBinary, ["fingerprint", inputs.path, "-o", inputs.file("fp.json")])
    #expect(fingerprint.stderr.contains("disagree by up to 50 mm"), "\(fingerprint.stderr)")
    let batch = try run(
      TestEnvironment.harmonizeBinary, ["batch", inputs.path, TemporaryFolder("xform-out").path, "--spacing", "2"])
    #expect(
      batch.stdout.contains("warning: case_0000.nii: qform (scanner) and sform (MNI152) disagree"), "\(batch.stdout)")
  }
}
