import Foundation
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `resample` writes a sidecar; `restore` uses it, a batch manifest, or the original, for files and folders.
@Suite("harmonize restore")
struct RestoreCommandTests {
  @Test func sidecarRecordsTheSourceAndRestoreUsesIt() throws {
    let folder = TemporaryFolder("restore-cli")
    let original = folder.file("seg.nii.gz")
    try ImageFile.write(
      DatasetFixture.label(
        size: [24, 20, 10], spacing: [0.8, 0.8, 2.5], origin: [10, -5, 3],
        direction: SyntheticVolume.obliqueDirection()), to: original)
    let small = folder.file("small.nii.gz")
    let r = try run(
      TestEnvironment.harmonizeBinary, ["resample", original, small, "--spacing", "0.5", "--interpolation", "nearest"])
    #expect(r.status == 0, "\(r.stderr)")
    let sidecar = try Sidecar.load(small + Sidecar.suffix)
    #expect(sidecar.source == original && sidecar.sourceGeometry.size == [24, 20, 10])
    #expect(sidecar.parameters["spacing"] == "0.5" && sidecar.parameters["interpolation"] == "nearest")
    let written = try ImageFile.readHeader(at: small).geometry
    #expect(sidecar.outputGeometry.size == written.size)
    #expect(zip(sidecar.outputGeometry.origin, written.origin).allSatisfy { abs($0 - $1) < 1e-4 })  // NIfTI float32

    let back = folder.file("back.nii.gz")
    let restored = try run(
      TestEnvironment.harmonizeBinary,
      ["restore", small, back, "--sidecar", small + Sidecar.suffix, "--interpolation", "nearest"])
    #expect(restored.status == 0, "\(restored.stderr)")
    #expect(try ImageFile.read(at: back).allValues == ImageFile.read(at: original).allValues)
    let viaOriginal = try run(
      TestEnvironment.harmonizeBinary, ["restore", small, folder.file("b2.nii.gz"), "--original", original])
    #expect(viaOriginal.status == 0 && viaOriginal.stdout.contains("24 x 20 x 10"))
  }

  @Test func folderFormWithABatchManifestAndFailures() throws {
    let input = TemporaryFolder("restore-cli-in")
    try DatasetFixture.write(at: input.path)
    for c in 0..<2 {
      try ImageFile.write(
        DatasetFixture.image(size: [20, 18, 8], spacing: [0.9, 0.9, 3]), to: input.file("imagesTs/t1_000\(c).nii.gz"))
    }
    let out = TemporaryFolder("restore-cli-out")
    #expect(try run(TestEnvironment.harmonizeBinary, ["batch", input.path, out.path, "--spacing", "0.6"]).status == 0)
    // "Predictions" named CASE.nii.gz, as nnU-Net writes them: the resampled labels, and one for the test case.
    let predictions = TemporaryFolder("restore-cli-pred")
    for id in ["case_001", "case_002"] {
      try FileManager.default.copyItem(
        atPath: out.file("labelsTr/\(id).nii.gz"), toPath: predictions.file("\(id).nii.gz"))
    }
    let test = try ImageFile.readHeader(at: out.file("imagesTs/t1_0000.nii.gz")).geometry
    try ImageFile.write(
      DatasetFixture.label(size: test.size, spacing: test.spacing, origin: test.origin),
      to: predictions.file("t1.nii.gz"))
    try ImageFile.write(
      DatasetFixture.label(size: [4, 4, 4], spacing: [1, 1, 1]), to: predictions.file("unknown.nii.gz"))
    let restored = TemporaryFolder("restore-cli-back")
    let result = try run(
      TestEnvironment.harmonizeBinary, ["restore", predictions.path, restored.path, "--manifest", out.path])
    #expect(result.status == 1)  // "unknown" has no manifest entry
    #expect(result.stderr.contains("no manifest entry for case unknown"))
    #expect(result.stdout.contains("3 of 4 predictions restored"))
    #expect(try ImageFile.readHeader(at: restored.file("t1.nii.gz")).geometry.size == [20, 18, 8])
    for id in ["case_001", "case_002"] {
      #expect(
        try ImageFile.read(at: restored.file("\(id).nii.gz")).allValues
          == ImageFile.read(at: input.file("labelsTr/\(id).nii.gz")).allValues)
    }
  }
}
