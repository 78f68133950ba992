import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// #13.15: every --help ends with examples; value lists show what the command accepts; one name for the fingerprint
/// and the memory options; --json on every command that reports a result.
@Suite("Help and JSON")
struct HelpAndJSONTests {
  @Test(arguments: ["info", "resample", "reorient", "fingerprint", "check", "batch", "restore", "plan"])
  func helpEndsWithExamples(_ command: String) throws {
    let result = try run(TestEnvironment.harmonizeBinary, [command, "--help"])
    #expect(result.status == 0)
    let tail = result.stdout.components(separatedBy: "\nEXAMPLES:\n").last ?? ""
    #expect(result.stdout.contains("\nEXAMPLES:\n"), "\(command)")
    #expect(
      tail.split(separator: "\n").allSatisfy { $0.hasPrefix("  harmonize \(command)") || $0.hasPrefix("  sbatch") },
      "\(tail)")
  }

  @Test func valueListsShowOnlyAcceptedValues() throws {
    // Help wraps at the terminal width: compare with runs of white space folded.
    func folded(_ text: String) -> String {
      text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }
    let batch = folded(try run(TestEnvironment.harmonizeBinary, ["batch", "--help"]).stdout)
    #expect(batch.contains("(values: nearest, label, nnunet; default: nearest)"), "\(batch)")
    #expect(batch.contains("(values: linear, bspline, nearest, nnunet; default: linear)"), "\(batch)")
    let restore = folded(try run(TestEnvironment.harmonizeBinary, ["restore", "--help"]).stdout)
    #expect(restore.contains("(values: nearest, label; default: label)"), "\(restore)")
    let refused = try run(
      TestEnvironment.harmonizeBinary,
      ["restore", "a.nii.gz", "b.nii.gz", "--original", "c.nii.gz", "--interpolation", "linear"])
    #expect(refused.status == 2)
  }

  @Test func oneNameForFingerprintAndMemory() throws {
    let batch = try run(TestEnvironment.harmonizeBinary, ["batch", "--help"]).stdout
    #expect(batch.contains("--fingerprint, --like-fingerprint <fingerprint>"), "\(batch)")
    #expect(batch.contains("--memory, --memory-limit <memory>"), "\(batch)")
    for command in ["resample", "reorient"] {
      #expect(
        try run(TestEnvironment.harmonizeBinary, [command, "--help"]).stdout.contains("--fingerprint <fingerprint>"),
        "\(command)")
    }
  }

  @Test func resampleReorientAndRestoreReportJSON() throws {
    let folder = TemporaryFolder("json-results")
    let input = folder.file("seg.nii.gz")
    try ImageFile.write(DatasetFixture.label(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5]), to: input)
    let resample = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", input, folder.file("small.nii.gz"), "--spacing", "1.6", "--interpolation", "nearest", "--json"])
    #expect(resample.status == 0, "\(resample.stderr)")
    let r = try #require(try JSONSerialization.jsonObject(with: Data(resample.stdout.utf8)) as? [String: Any])
    #expect((r["grid"] as? [String: Any])?["size"] as? [Int] == [12, 10, 16])
    #expect(r["sidecar"] as? String == folder.file("small.nii.gz") + ".harmonize.json")
    let reorient = try run(
      TestEnvironment.harmonizeBinary, ["reorient", input, folder.file("ras.nii.gz"), "--to", "RAS", "--json"])
    let o = try #require(try JSONSerialization.jsonObject(with: Data(reorient.stdout.utf8)) as? [String: Any])
    #expect(o["to"] as? String == "RAS")
    let restore = try run(
      TestEnvironment.harmonizeBinary,
      [
        "restore", folder.file("small.nii.gz"), folder.file("back.nii.gz"),
        "--sidecar", folder.file("small.nii.gz.harmonize.json"), "--json",
      ])
    #expect(restore.status == 0, "\(restore.stderr)")
    let b = try #require(try JSONSerialization.jsonObject(with: Data(restore.stdout.utf8)) as? [String: Any])
    #expect((b["grid"] as? [String: Any])?["size"] as? [Int] == [24, 20, 10])
    #expect(b["labels"] as? [Int] == [0, 1, 2])
  }
}
