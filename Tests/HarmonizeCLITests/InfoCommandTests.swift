import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeCLI

@Suite("harmonize info")
struct InfoCommandTests {
  @Test func parsesFilesAndJSONFlag() throws {
    let command = try HarmonizeCommand.parseAsRoot(["info", "a.nii.gz", "b.nrrd", "--json"])
    let info = try #require(command as? HarmonizeCommand.Info)
    #expect(info.files == ["a.nii.gz", "b.nrrd"])
    #expect(info.json)
  }

  @Test func textReportOfASample() throws {
    let path = TestEnvironment.packageRoot + "/Samples/Dataset001_Tiny/imagesTr/tiny_003_0000.nii.gz"
    let result = try run(TestEnvironment.harmonizeBinary, ["info", path])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdout == """
        \(path)
          format       NIfTI (.nii.gz)
          size         50 x 50 x 22
          spacing      0.85 x 0.85 x 2.5 mm
          origin       (-21, -20, 35) mm, LPS
          direction    (0.990268069, -0.139173103, 0) (0.139173103, 0.990268069, 0) (0, 0, 1)
          orientation  LPS (RAS+ axis codes, as nibabel prints them)
          pixel type   i16, 1 component
          memory       107.4 KiB (110000 bytes)

        """)
  }

  @Test func jsonReportDecodes() throws {
    let folder = TemporaryFolder("cli-json")
    let path = folder.file("v.nrrd")
    try ImageFile.write(
      SyntheticVolume.make(
        size: [4, 5, 6], spacing: [0.5, 0.5, 2], origin: [1, 2, 3],
        direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1], pixelType: .u16), to: path)
    let result = try run(TestEnvironment.harmonizeBinary, ["info", "--json", path])
    #expect(result.status == 0)
    let infos = try JSONDecoder().decode([ImageInfo].self, from: Data(result.stdout.utf8))
    #expect(infos.count == 1)
    #expect(infos[0].format == "NRRD")
    #expect(infos[0].size == [4, 5, 6])
    #expect(infos[0].orientation == "RAS")
    #expect(infos[0].pixelType == "u16")
    #expect(infos[0].bytes == 240)
  }

  /// Exit status 2 for an unreadable input, with one stderr line per bad file, and the good files still reported.
  @Test func unreadableInputExitsTwoAndOtherFilesAreStillReported() throws {
    let folder = TemporaryFolder("cli-bad")
    let good = folder.file("good.mha")
    try ImageFile.write(SyntheticVolume.make(size: [2, 2, 2]), to: good)
    let missing = folder.file("missing.nii.gz")
    let result = try run(TestEnvironment.harmonizeBinary, ["info", missing, good])
    #expect(result.status == 2)
    #expect(result.stderr == "error: \(missing): no such file\n")
    #expect(result.stdout.hasPrefix(good + "\n  format       MetaImage (.mha)"))
  }

  @Test func usageErrorExitsTwo() throws {
    let result = try run(TestEnvironment.harmonizeBinary, ["info"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("Missing expected argument '<files> ...'"))
    let unknown = try run(TestEnvironment.harmonizeBinary, ["info", "--bogus", "x.nii"])
    #expect(unknown.status == 2)
  }

  @Test func helpExitsZero() throws {
    let result = try run(TestEnvironment.harmonizeBinary, ["info", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE: harmonize info <files> ... [--json]"))
    let root = try run(TestEnvironment.harmonizeBinary, ["--help"])
    #expect(root.status == 0)
    #expect(root.stdout.contains("Exit status: 0 success; 1"))
  }
}
