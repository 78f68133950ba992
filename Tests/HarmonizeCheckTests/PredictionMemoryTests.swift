import HarmonizeCheck
import Testing

/// The formulas of ../shared/reference/nnunet.md §3.3 against the worked table of §3.3 (GiB, one decimal; C = 1,
/// int16 input, isotropic path, N_p = N_c = N_o, one fold, q = 2), computed there by hand from the same formulas.
@Suite("nnU-Net prediction memory")
struct PredictionMemoryTests {
  struct Row: Sendable, CustomTestStringConvertible {
    var size: [Int]
    var k: Int
    var gpu: Double, main: Double, exportPlain: Double, exportResampled: Double, preprocess: Double
    var testDescription: String { "\(size) K=\(k)" }
  }

  static let table: [Row] = [
    Row(size: [512, 512, 300], k: 2, gpu: 0.9, main: 1.2, exportPlain: 1.5, exportResampled: 2.4, preprocess: 2.8),
    Row(size: [512, 512, 300], k: 14, gpu: 3.5, main: 6.4, exportPlain: 6.8, exportResampled: 13.0, preprocess: 2.8),
    Row(size: [512, 512, 300], k: 33, gpu: 7.7, main: 14.8, exportPlain: 15.2, exportResampled: 29.7, preprocess: 2.8),
    Row(
      size: [512, 512, 300], k: 118, gpu: 26.4, main: 52.1, exportPlain: 52.5, exportResampled: 104.4, preprocess: 2.8),
    Row(size: [481, 681, 681], k: 11, gpu: 8.1, main: 14.5, exportPlain: 15.6, exportResampled: 29.3, preprocess: 7.9),
    Row(
      size: [481, 681, 681], k: 33, gpu: 21.8, main: 42.0, exportPlain: 43.0, exportResampled: 84.1, preprocess: 7.9),
  ]

  static func gib(_ bytes: Double) -> Double { bytes / 1_073_741_824 }

  @Test(arguments: table)
  func matchesTheWorkedTable(_ row: Row) {
    let n = row.size.reduce(1, *)
    func estimate(resampled: Bool) -> PredictionMemory {
      PredictionMemory(
        .init(
          channels: 1, segmentationHeads: row.k, originalVoxels: n, croppedVoxels: n, predictedVoxels: n,
          readerBytes: 2, resampled: resampled, separateZ: false, folds: 1))
    }
    let plain = estimate(resampled: false), resampled = estimate(resampled: true)
    #expect(abs(Self.gib(plain.gpuDataArrays) - row.gpu) <= 0.051)
    #expect(abs(Self.gib(plain.main) - row.main) <= 0.051)
    #expect(abs(Self.gib(plain.exportWorker) - row.exportPlain) <= 0.051)
    #expect(abs(Self.gib(resampled.exportWorker) - row.exportResampled) <= 0.051)
    #expect(abs(Self.gib(resampled.preprocessWorker) - row.preprocess) <= 0.051)
  }

  /// nnU-Net's export resampling against what reference/nnunet.md §3.2 measured with nnunetv2 (peak RSS increments
  /// of `resample_data_or_seg`, K = 4 and 14, 120×256² logits onto 160×320², isotropic and separate-z): within 2%.
  /// (This replaces a test that restated the formula term by term and so could not fail.)
  @Test(arguments: [(4, false, 490.0), (14, false, 1403.0), (4, true, 1679.0), (14, true, 2591.0)])
  func exportResamplingMatchesNNUNetMeasurements(_ k: Int, _ separateZ: Bool, _ measuredMiB: Double) {
    let predicted = 120 * 256 * 256, cropped = 160 * 320 * 320
    let e = PredictionMemory(
      .init(
        channels: 1, segmentationHeads: k, originalVoxels: cropped, croppedVoxels: cropped, predictedVoxels: predicted,
        readerBytes: 2, resampled: true, separateZ: separateZ, folds: 1))
    let mib = e.exportResampling / 1_048_576
    #expect(
      abs(mib - measuredMiB) / measuredMiB <= 0.02,
      "K=\(k) separateZ=\(separateZ): \(mib) MiB vs measured \(measuredMiB)")
    // The export worker holds it on top of the fp16 logits and the final segmentation.
    #expect(e.exportWorker >= e.exportResampling + Double(2 * k * predicted))
  }

  @Test func adviceLowersWorkersThenFallsBackToSequentialThenFails() {
    let n = 512 * 512 * 300
    let e = PredictionMemory(
      .init(
        channels: 1, segmentationHeads: 33, originalVoxels: n, croppedVoxels: n, predictedVoxels: n,
        readerBytes: 2, resampled: true, separateZ: false, folds: 1))
    let gib = 1_073_741_824.0
    let roomy = MemoryAdvice(worstOf: [e], memory: 512 * gib)
    #expect(roomy.defaultsFit && roomy.predictFlags == "")
    let tight = MemoryAdvice(worstOf: [e], memory: 80 * gib)
    #expect(!tight.defaultsFit)
    #expect(tight.exportWorkers == 1)
    #expect(tight.needed <= tight.usable)
    #expect(tight.predictFlags?.hasPrefix("-npp ") == true)
    #expect(tight.validationExportWorkers == 1)
    let sequential = MemoryAdvice(worstOf: [e], memory: 60 * gib)
    #expect(sequential.preprocessWorkers == 0 && sequential.predictFlags == "-npp 0 -nps 0")
    let none = MemoryAdvice(worstOf: [e], memory: 16 * gib)
    #expect(none.preprocessWorkers == nil && none.predictFlags == nil)
    let gpu = MemoryAdvice(worstOf: [e], memory: 512 * gib, gpuMemory: 8 * gib)
    #expect(gpu.notOnDevice && gpu.predictFlags?.contains("--not_on_device") == true)
  }
}
