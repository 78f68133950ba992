import Foundation
import HarmonizeCheck
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize fingerprint` and `harmonize check` as a user runs them: exit codes, report, JSON.
@Suite("harmonize fingerprint and check")
struct CheckCommandTests {
  let training = TemporaryFolder("cli-check-training")

  init() throws { try DatasetFixture.write(at: training.path) }

  func writeCase(_ folder: TemporaryFolder, _ id: String, channels: [Int] = [0, 1]) throws {
    for c in channels {
      try ImageFile.write(
        DatasetFixture.image(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5], base: 100 + 400 * Double(min(c, 1))),
        to: folder.file(id + String(format: "_%04d", c) + ".nii.gz"))
    }
  }

  @Test func fingerprintThenCheckCleanInputsExitsZero() throws {
    let out = TemporaryFolder("cli-fp")
    let fingerprint = out.file("fingerprint.json")
    let made = try run(TestEnvironment.harmonizeBinary, ["fingerprint", training.path, "-o", fingerprint])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout.hasPrefix("fingerprint of 3 cases (2 channels: T2, ADC) written to \(fingerprint)"))
    #expect(out.contents == ["fingerprint.json"])  // no temporary file left
    let inputs = TemporaryFolder("cli-inputs")
    try writeCase(inputs, "new")
    let result = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", fingerprint])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasSuffix("1 case: 0 errors, 0 warnings, 0 notes\n"))
  }

  @Test func extraChannelExitsOneAndJSONCarriesTheSameFindings() throws {
    let inputs = TemporaryFolder("cli-inputs-extra")
    try writeCase(inputs, "extra", channels: [0, 1, 2])
    try writeCase(inputs, "fine")
    let text = try run(
      TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", training.path, "--memory", "32G"])
    #expect(text.status == 1)
    #expect(text.stdout.contains("extra  [3 channel files]  ERROR"))
    #expect(text.stdout.contains("IndexError"))
    #expect(text.stdout.hasSuffix("2 cases: 1 error, 0 warnings, 0 notes\n"))
    let json = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", training.path, "--json"])
    #expect(json.status == 1)
    let report = try JSONDecoder().decode(CheckReport.self, from: Data(json.stdout.utf8))
    #expect(report.errorCount == 1)
    #expect(report.cases.first { $0.id == "extra" }?.findings.first?.check == "channels")
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect((object["summary"] as? [String: Any])?["errors"] as? Int == 1)
  }

  @Test func unreadableInputExitsTwoAfterCheckingTheRest() throws {
    let inputs = TemporaryFolder("cli-inputs-bad")
    try writeCase(inputs, "good")
    let missing = inputs.file("gone_0000.nii.gz")
    let result = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, missing, "--against", training.path])
    #expect(result.status == 2)
    #expect(result.stderr == "error: \(missing): no such file or folder\n")
    #expect(result.stdout.contains("good  [2 channel files]  ok"))
  }

  @Test func badReferencesExitTwoWithOneLine() throws {
    let inputs = TemporaryFolder("cli-inputs-ref")
    try writeCase(inputs, "good")
    let refs = TemporaryFolder("cli-refs")
    let malformed = refs.file("fp.json")
    try "{\"format\": \"harmonize.fingerprint\"".write(toFile: malformed, atomically: true, encoding: .utf8)
    for reference in [malformed, refs.path, refs.file("absent")] {
      let result = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", reference])
      #expect(result.status == 2)
      #expect(
        result.stderr.hasPrefix("error: \(reference): ") && result.stderr.split(separator: "\n").count == 1,
        "\(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
    let usage = try run(
      TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", training.path, "--memory", "lots"])
    #expect(usage.status == 2)
  }

  /// The orientation finding's fix is a command line that works: run it, check again, nothing left.
  @Test func orientationFixRepairsTheCase() throws {
    let inputs = TemporaryFolder("cli-inputs-sag")
    let staging = TemporaryFolder("cli-staging")
    try writeCase(staging, "sag")
    for c in ["0000", "0001"] {
      let r = try run(
        TestEnvironment.harmonizeBinary,
        ["reorient", staging.file("sag_\(c).nii.gz"), inputs.file("sag_\(c).nii.gz"), "--to", "PIR"])
      #expect(r.status == 0)
    }
    let json = try run(TestEnvironment.harmonizeBinary, ["check", inputs.path, "--against", training.path, "--json"])
    #expect(json.status == 1)
    let report = try JSONDecoder().decode(CheckReport.self, from: Data(json.stdout.utf8))
    let finding = try #require(report.cases.first?.findings.first { $0.check == "orientation" })
    #expect(finding.severity == .error)
    #expect(!report.cases[0].findings.contains { $0.check == "spacing" })  // compared in the training axis order
    let fix = try #require(finding.fix).replacingOccurrences(
      of: "harmonize ", with: TestEnvironment.harmonizeBinary + " ")
    #expect(try run("/bin/bash", ["-c", fix]).status == 0)
    let again = try run(
      TestEnvironment.harmonizeBinary, ["check", inputs.file("reoriented"), "--against", training.path])
    #expect(again.status == 0, "\(again.stdout)")
    #expect(again.stdout.hasSuffix("1 case: 0 errors, 0 warnings, 0 notes\n"))
  }
}
