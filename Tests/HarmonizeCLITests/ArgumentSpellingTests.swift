import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeCLI

/// Typos are named as typos, before any other rule speaks (#13: `--spacng 1` said "Give exactly one of --spacing
/// and --like").
@Suite("Argument spelling")
struct ArgumentSpellingTests {
  @Test func mistypedOptionIsNamedWithTheNearestOne() throws {
    let result = try run(TestEnvironment.harmonizeBinary, ["resample", "in.nii.gz", "out.nii.gz", "--spacng", "1"])
    #expect(result.status == 2)
    #expect(
      result.stderr.hasPrefix("Error: unknown option '--spacng' for 'resample'; did you mean '--spacing'?"),
      "\(result.stderr)")
  }

  @Test func mistypedCommandSuggestsTheNearest() throws {
    let result = try run(TestEnvironment.harmonizeBinary, ["resampel", "in.nii.gz"])
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Error: unknown command 'resampel' (did you mean 'resample'?)"), "\(result.stderr)")
  }

  @Test func knownOptionsAndHelpPass() {
    let subcommands = HarmonizeCommand.configuration.subcommands
    #expect(
      ArgumentSpelling.diagnose(["resample", "a", "b", "--spacing=1", "--max-size", "512"], subcommands: subcommands)
        == nil)
    #expect(
      ArgumentSpelling.diagnose(
        ["batch", "a", "b", "--memory-limit", "8G", "--", "--not-an-option"], subcommands: subcommands) == nil)
    #expect(ArgumentSpelling.diagnose(["help", "resample"], subcommands: subcommands) == nil)
    #expect(ArgumentSpelling.diagnose(["--version"], subcommands: subcommands) == nil)
  }

  /// A name that is not UTF-8 was decoded with replacement characters and reported as missing.
  @Test func nonUTF8ArgumentIsNamed() throws {
    let folder = TemporaryFolder("utf8")
    let result = try run(
      "/bin/bash",
      ["-c", "exec \"$0\" info \"$(printf '\(folder.path)/bad\\xff.nii.gz')\"", TestEnvironment.harmonizeBinary])
    #expect(result.status == 2)
    #expect(result.stderr.contains("bad\\xFF.nii.gz: the name is not valid UTF-8"), "\(result.stderr)")
  }
}
