import Foundation
import HarmonizeCheck
import Testing
import _HarmonizeTestSupport

/// `harmonize fingerprint` against nibabel and numpy on the bundled nnU-Net sample dataset: geometry per case,
/// the non-zero box nnU-Net crops to, and whole-image intensity statistics (numpy's percentiles and population std).
@Suite("Fingerprint against nibabel and numpy")
struct FingerprintConformanceTests {
  struct Facts: Decodable {
    struct Case: Decodable {
      var id: String
      var zooms: [Double]
      var shape: [Int]
      var axcodes: String
      var nonzero: [Int]
    }
    var cases: [Case]
    var labels: [Int]
    var whole: [IntensityStatistics]
    var foreground: [IntensityStatistics]
  }

  @Test func sampleDatasetMatchesNumpy() throws {
    let dataset = TestEnvironment.packageRoot + "/Samples/Dataset001_Tiny"
    let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/fingerprint.py"
    let result = try run(TestEnvironment.python, [script, dataset])
    guard result.status == 0 else { throw TestEnvironmentError("fingerprint.py failed: \(result.stderr.suffix(2000))") }
    let facts = try JSONDecoder().decode(Facts.self, from: Data(result.stdout.utf8))
    let ours = try Fingerprinter.fingerprint(folder: dataset, tool: "test").fingerprint
    #expect(ours.cases.map(\.id) == facts.cases.map(\.id))
    for (mine, theirs) in zip(ours.cases, facts.cases) {
      #expect(mine.size == theirs.shape, "\(mine.id)")
      #expect(zip(mine.spacing, theirs.zooms).allSatisfy { abs($0 - $1) < 1e-6 }, "\(mine.id)")
      #expect(mine.axisCodes == theirs.axcodes, "\(mine.id)")
      #expect(mine.sizeAfterCrop == theirs.nonzero, "\(mine.id)")
    }
    #expect(ours.labelValues == facts.labels)
    func same(_ a: IntensityStatistics?, _ b: IntensityStatistics) -> Bool {
      guard let a else { return false }
      let pairs = [
        (a.min, b.min), (a.max, b.max), (a.mean, b.mean), (a.std, b.std), (a.median, b.median),
        (a.percentile_00_5, b.percentile_00_5), (a.percentile_99_5, b.percentile_99_5),
      ]
      return pairs.allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }
    }
    for channel in 0..<facts.whole.count {
      #expect(
        same(ours.intensity[channel].image, facts.whole[channel]),
        "channel \(channel): \(String(describing: ours.intensity[channel].image)) vs \(facts.whole[channel])")
      // Foreground statistics weigh every case the same, as nnU-Net's: NNUNetFingerprintConformanceTests checks them
      // against nnunetv2 itself (numpy's pooled figures here would be the old, wrong definition).
    }
  }
}
