import Foundation
import Testing
import _HarmonizeTestSupport

/// Runs Samples/walkthrough.sh against the debug build, so the samples and the README's first command cannot rot.
@Suite("Samples walkthrough")
struct SamplesTests {
  @Test func walkthroughRuns() throws {
    var environment = ProcessInfo.processInfo.environment
    environment["HARMONIZE"] = TestEnvironment.harmonizeBinary
    let result = try run(
      "/bin/bash", [TestEnvironment.packageRoot + "/Samples/walkthrough.sh"], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("size         50 x 50 x 22"))
    #expect(result.stdout.contains("\"orientation\" : \"LPS\""))
    #expect(result.stdout.contains("exit status 2"))
    #expect(result.stdout.contains("fingerprint of 3 cases (2 channels: T2, ADC)"))
    #expect(result.stdout.contains("1 case: 0 errors, 0 warnings, 0 notes"))
    #expect(result.stdout.contains("IndexError: list index out of range"))
    #expect(result.stdout.contains("sag  [2 channel files]  ERROR"))
    #expect(result.stdout.contains("exit status 1"))
    #expect(result.stdout.contains("11 converted, 0 already done, 0 failed of 11 files"))
    #expect(result.stdout.contains("0 converted, 11 already done, 0 failed of 11 files"))
    #expect(result.stdout.contains("tiny_003.nii.gz: 85 x 85 x 110 at 0.5 x 0.5 x 0.5 mm, u8, label"))
    #expect(result.stdout.contains("capped.nii.gz: 49 x 49 x 64 at"))
    #expect(result.stderr.contains("size cap: spacing coarsened"))
    #expect(result.stderr.contains("dataset.json: unsupported file type"))
  }
}
