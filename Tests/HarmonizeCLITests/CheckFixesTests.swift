import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Every fix `check` prints is one command line that, run as printed, gives files that pass `check` (#13.11): a
/// permuted and finer case is reoriented and resampled in one command (a reorient followed by a resample of the
/// original gave the wrong spacing order); a wrong ending is converted into a new folder (no `rm` of user data); an
/// extra channel is moved aside, and no fix resamples it.
@Suite("check's fixes work")
struct CheckFixesTests {
  let training = TemporaryFolder("fixes-training")

  init() throws { try DatasetFixture.write(at: training.path) }

  /// The findings of `check FOLDER` as (check, severity, fix).
  private func findings(
    _ folder: String
  ) throws -> (status: Int32, found: [(check: String, severity: String, fix: String?)]) {
    let result = try run(TestEnvironment.harmonizeBinary, ["check", folder, "--against", training.path, "--json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    let cases = object["cases"] as? [[String: Any]] ?? []
    let found = cases.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] }.map {
      (check: $0["check"] as? String ?? "", severity: $0["severity"] as? String ?? "", fix: $0["fix"] as? String)
    }
    return (result.status, found)
  }

  private func apply(_ fix: String, in folder: TemporaryFolder) throws {
    #expect(!fix.contains("rm "), "a fix deletes user data: \(fix)")
    let result = try run(
      "/bin/bash",
      [
        "-c", "set -e; cd \"$0\"; PATH=\"$1:$PATH\"; " + fix, folder.path,
        PathText.parent(TestEnvironment.harmonizeBinary),
      ])
    #expect(result.status == 0, "\(fix): \(result.stderr)")
  }

  @Test func permutedFinerCaseIsFixedByItsOwnCommands() throws {
    let inputs = TemporaryFolder("fixes-permuted")
    // Axes permuted (the stored i axis runs along z) and 2x finer in-plane than training.
    let permuted = [0.0, 1, 0, 0, 0, 1, 1, 0, 0]
    for c in 0..<2 {
      try ImageFile.write(
        DatasetFixture.image(
          size: [10, 48, 40], spacing: [2.5, 0.4, 0.4], direction: permuted, base: 100 + 400 * Double(c)),
        to: inputs.file("perm_000\(c).nii.gz"))
    }
    let before = try findings(inputs.path)
    #expect(before.status == 1)
    let orientation = try #require(before.found.first { $0.check == "orientation" && $0.severity == "error" })
    let spacing = try #require(before.found.first { $0.check == "spacing" })
    #expect(spacing.fix?.contains("--orient ") == true, "\(spacing.fix ?? "")")
    for (fix, folder) in [
      (orientation.fix!, "reoriented"), (spacing.fix!.components(separatedBy: " (then ").first!, "resampled"),
    ] {
      try apply(fix, in: inputs)
      let after = try findings(inputs.file(folder))
      #expect(after.status == 0, "\(folder): \(after.found)")
      #expect(
        !after.found.contains { $0.check == "orientation" && $0.severity == "error" }, "\(folder): \(after.found)")
      if folder == "resampled" { #expect(!after.found.contains { $0.check == "spacing" }, "\(after.found)") }
    }
  }

  @Test func wrongEndingAndExtraChannelAreFixedWithoutDeletingAnything() throws {
    let inputs = TemporaryFolder("fixes-naming")
    for c in 0..<3 {
      try ImageFile.write(
        DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5], base: 100 + 400 * Double(min(c, 1))),
        to: inputs.file("case_000\(c).nii"))
    }
    let before = try findings(inputs.path)
    #expect(before.status == 1)
    let ending = try #require(before.found.first { $0.check == "file-ending" }?.fix)
    let channels = try #require(before.found.first { $0.check == "channels" }?.fix)
    #expect(
      !ending.contains("case_0002"), "the ending fix converts a channel the channels finding says to remove: \(ending)")
    try apply(channels, in: inputs)
    try apply(ending, in: inputs)
    #expect(FileManager.default.fileExists(atPath: inputs.file("extra-channels/case_0002.nii")))
    #expect(FileManager.default.fileExists(atPath: inputs.file("case_0000.nii")), "an input was removed")
    let after = try findings(inputs.file("converted"))
    #expect(after.status == 0, "\(after.found)")
  }
}
