import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// The messages and gates of #13 that failed on the previous main: each says what is wrong where it is wrong, and a
/// gate that checked nothing does not pass.
@Suite("Trust: gates and messages")
struct TrustMessagesTests {
  private func image(
    _ folder: TemporaryFolder, _ name: String, size: [Int] = [12, 10, 6], pixelType: PixelType = .i16
  ) throws -> String {
    let path = folder.file(name)
    try ImageFile.write(SyntheticVolume.make(size: size, spacing: [0.8, 0.8, 2.5], pixelType: pixelType), to: path)
    return path
  }

  @Test func checkOfAnEmptyFolderFails() throws {
    let training = TemporaryFolder("trust-training")
    try DatasetFixture.write(at: training.path)
    let empty = TemporaryFolder("trust-empty")
    let result = try run(TestEnvironment.harmonizeBinary, ["check", empty.path, "--against", training.path])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("no case to check"), "\(result.stderr)")
  }

  @Test func checkAgainstAnImageSaysItIsNotAReference() throws {
    let folder = TemporaryFolder("trust-image-ref")
    let path = try image(folder, "scan.nii.gz")
    let result = try run(TestEnvironment.harmonizeBinary, ["check", path, "--against", path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("is an image, not a reference"), "\(result.stderr)")
  }

  /// `--memory 32` meant 32 bytes; a unit is required.
  @Test func memoryWithoutAUnitIsRefused() throws {
    let folder = TemporaryFolder("trust-memory")
    let path = try image(folder, "scan.nii.gz")
    let bare = try run(TestEnvironment.harmonizeBinary, ["check", path, "--against", path, "--memory", "32"])
    #expect(bare.status == 2)
    #expect(bare.stderr.contains("The value '32' is invalid for '--memory"), "\(bare.stderr)")
    #expect(bare.stderr.contains("with a unit: 32G"), "\(bare.stderr)")
    let plan = try run(TestEnvironment.harmonizeBinary, ["plan", folder.path, "--candidates", "1", "--memory", "8"])
    #expect(plan.status == 2, "\(plan.stderr)")
  }

  /// A prediction of another case (another grid) used to restore to empty labels with exit 0.
  @Test func restoreRefusesAPredictionOnAnotherGrid() throws {
    let folder = TemporaryFolder("trust-restore")
    let scan = try image(folder, "scan.nii.gz", pixelType: .u8)
    let other = try image(folder, "other.nii.gz", size: [14, 10, 6], pixelType: .u8)
    for (input, output) in [(scan, "small.nii.gz"), (other, "other_small.nii.gz")] {
      let made = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", input, folder.file(output), "--spacing", "1.6", "--interpolation", "nearest"])
      #expect(made.status == 0, "\(made.stderr)")
    }
    let wrong = try run(
      TestEnvironment.harmonizeBinary,
      [
        "restore", folder.file("other_small.nii.gz"), folder.file("back.nii.gz"),
        "--sidecar", folder.file("small.nii.gz.harmonize.json"),
      ])
    #expect(wrong.status == 2, "\(wrong.stderr)")
    #expect(wrong.stderr.contains("does not lie on the grid its case was resampled to"), "\(wrong.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.file("back.nii.gz")))
    let right = try run(
      TestEnvironment.harmonizeBinary,
      [
        "restore", folder.file("small.nii.gz"), folder.file("back.nii.gz"),
        "--sidecar", folder.file("small.nii.gz.harmonize.json"),
      ])
    #expect(right.status == 0, "\(right.stderr)")
  }

  @Test func restoreWithAMissingManifestSaysSo() throws {
    let folder = TemporaryFolder("trust-manifest")
    let scan = try image(folder, "case_001.nii.gz", pixelType: .u8)
    let missing = try run(
      TestEnvironment.harmonizeBinary,
      ["restore", scan, folder.file("back.nii.gz"), "--manifest", folder.file("nothere")])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("\(folder.file("nothere")): no such file"), "\(missing.stderr)")
    let empty = TemporaryFolder("trust-manifest-empty")
    let none = try run(
      TestEnvironment.harmonizeBinary, ["restore", scan, folder.file("back.nii.gz"), "--manifest", empty.path])
    #expect(none.status == 2)
    #expect(none.stderr.contains("no harmonize batch manifest"), "\(none.stderr)")
  }
}

extension TrustMessagesTests {
  @Test func c3dSpacingSpellingIsAccepted() throws {
    let folder = TemporaryFolder("trust-c3d")
    let path = try image(folder, "scan.nii.gz")
    for spelling in ["0.5x0.5x2mm", "0.5,0.5,2 mm", "0.5x0.5x2"] {
      let result = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", path, folder.file("out.nii.gz"), "--spacing", spelling, "--no-sidecar"])
      #expect(result.status == 0, "\(spelling): \(result.stderr)")
      #expect(try ImageFile.readHeader(at: folder.file("out.nii.gz")).geometry.spacing == [0.5, 0.5, 2], "\(spelling)")
    }
  }

  /// `--sitk-compatible` takes the sitk grid: any other --grid given with it is a usage error, center included.
  @Test func sitkCompatibleWithAnotherGridIsAUsageError() throws {
    let folder = TemporaryFolder("trust-sitk-grid")
    let path = try image(folder, "scan.nii.gz")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", path, folder.file("out.nii.gz"), "--spacing", "1", "--sitk-compatible", "--grid", "center"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("--sitk-compatible uses the sitk grid; drop --grid center"), "\(result.stderr)")
  }

  /// Upsampling 2.5 mm to 0.5 mm with the sitk grid leaves the last 2 of 30 planes outside (index ≥ n - 0.5):
  /// the warning counts them (it used to say "the last plane").
  @Test func sitkGridWarningCountsTheEmptyPlanes() throws {
    let folder = TemporaryFolder("trust-sitk-count")
    let path = try image(folder, "scan.nii.gz")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", path, folder.file("out.nii.gz"), "--spacing", "0.5", "--grid", "sitk", "--no-sidecar"])
    #expect(result.status == 0)
    // z: 6 planes at 2.5 mm -> 30 at 0.5 mm; plane k samples k/5, outside from 5.5: k = 28, 29.
    #expect(result.stderr.contains("the last 2 planes along axis 2 fall outside the input"), "\(result.stderr)")
  }
}

extension TrustMessagesTests {
  /// `--compression` takes effect for NRRD and MetaImage outputs (`default` wrote them uncompressed); without it they
  /// stay uncompressed, as SimpleITK writes them.
  @Test(arguments: [".nrrd", ".mha"])
  func compressionTakesEffectForNRRDAndMetaImage(_ ending: String) throws {
    let folder = TemporaryFolder("trust-compression")
    let path = try image(folder, "scan.nii.gz", size: [40, 30, 20], pixelType: .u8)
    func header(_ name: String) throws -> String {
      String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder.file(name))).prefix(400), as: UTF8.self)
    }
    for (name, arguments) in [
      ("plain", [String]()), ("default", ["--compression", "default"]), ("best", ["--compression", "best"]),
    ] {
      let result = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", path, folder.file(name + ending), "--spacing", "0.8,0.8,2.5", "--no-sidecar"] + arguments)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let compressedMarker = ending == ".nrrd" ? "encoding: gzip" : "CompressedData = True"
    #expect(!(try header("plain" + ending)).contains(compressedMarker))
    #expect(try header("default" + ending).contains(compressedMarker))
    #expect(try header("best" + ending).contains(compressedMarker))
    #expect(
      try ImageFile.read(at: folder.file("default" + ending)).byteCount
        == ImageFile.read(at: folder.file("plain" + ending)).byteCount)
  }
}

extension TrustMessagesTests {
  /// A training label one slice short of its image was silently dropped from the statistics, exit 0.
  @Test func fingerprintFlagsALabelOffItsImagesGrid() throws {
    let training = TemporaryFolder("trust-fp-pair")
    try DatasetFixture.write(at: training.path, cases: 2)
    try ImageFile.write(
      DatasetFixture.label(size: [24, 20, 9], spacing: [0.84, 0.84, 2.5]), to: training.file("labelsTr/case_002.nii.gz")
    )
    for arguments in [[String](), ["--headers-only"]] {
      let result = try run(
        TestEnvironment.harmonizeBinary, ["fingerprint", training.path, "-o", training.file("fp.json")] + arguments)
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      #expect(
        result.stderr.contains(
          "case_002.nii.gz: the label's grid differs from its image's (size (24, 20, 9), expected (24, 20, 10))"),
        "\(result.stderr)")
    }
  }
}

extension TrustMessagesTests {
  /// Off a terminal (a log, a Slurm job) progress is a plain line, as the README says, not a redrawn bar.
  @Test func batchProgressOffATerminalIsAPlainLine() throws {
    let input = TemporaryFolder("trust-progress")
    try DatasetFixture.write(at: input.path, cases: 1)
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["batch", input.path, TemporaryFolder("trust-progress-out").path, "--spacing", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("progress: 3/3 files, "), "\(result.stderr)")
    #expect(!result.stderr.contains("[#") && !result.stderr.contains("\r"), "\(result.stderr)")
  }
}

extension TrustMessagesTests {
  /// `plan` printed totals through a 32-bit format (-1720434327 where its JSON said 2574532969), and suggested the
  /// coarsest candidate without saying why when none fits without a warning (#13.12).
  @Test func planPrintsSixtyFourBitTotalsAndSaysWhyItSuggests() throws {
    let dataset = TemporaryFolder("trust-plan")
    try DatasetFixture.write(at: dataset.path, cases: 2)
    let text = try run(TestEnvironment.harmonizeBinary, ["plan", dataset.path, "--candidates", "0.015,0.03"])
    #expect(text.status == 0, "\(text.stderr)")
    let json = try run(TestEnvironment.harmonizeBinary, ["plan", dataset.path, "--candidates", "0.015,0.03", "--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let rows = try #require(object["rows"] as? [[String: Any]])
    let total = try #require(rows.first?["totalVoxels"] as? Int)
    #expect(total > Int(Int32.max))
    #expect(text.stdout.contains(" \(total) "), "\(text.stdout)")
    #expect(
      text.stdout.contains(
        "note: no candidate fits the memory without a warning; the coarsest, 0.03 mm, is suggested although"),
      "\(text.stdout)")
  }
}
