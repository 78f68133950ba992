import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeCheck

/// Checks are functions of facts read once per case (`CaseFacts`): run in any order they report the same findings.
/// (They once shared mutable state: the spacing and memory findings needed the memory estimate, which needed the
/// non-zero box that the pixel check left behind, so reordering them silently dropped findings.)
@Suite("Check order")
struct CheckOrderTests {
  @Test func findingsDoNotDependOnTheOrderChecksRun() throws {
    let f = try CheckFixture()
    // 4x finer than training (spacing and memory findings from the cropped box), with a NaN (a pixel finding).
    try f.writeCase("fine", size: [96, 80, 40], spacing: [0.21, 0.21, 0.625], pixelType: .f32) { _, volume in
      volume.withUnsafeMutableBufferPointer(as: Float.self) { $0[5] = .nan }
    }
    let files = try #require(CheckInputs.collect([f.inputs.path], labelsFolder: nil).cases.first)
    let options = CheckOptions(memory: 64 * CheckFixture.gib)
    let facts = CaseFacts.gather(files: files, readPixels: true) { headers, nonzero in
      CaseChecks.estimateMemory(
        files: files, headers: headers, nonzeroSize: nonzero, reference: f.reference, options: options,
        configuration: nil)
    }
    let checks = CaseChecks(facts: facts, reference: f.reference, options: options, configuration: nil)
    let forward = checks.findings()
    let backward = checks.findings(order: CaseChecks.geometryAndPixelChecks.reversed())
    #expect(Set(forward.map(\.check)).isSuperset(of: ["spacing", "non-finite"]), "\(forward.map(\.check))")
    #expect(forward.map(\.message).sorted() == backward.map(\.message).sorted())
  }
}
