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

  /// K = 33 by hand, term by term: export worker with resampling = 2K·N_p + 8K·N_p + 2K·N_c + 8·N_c + N_o bytes.
  @Test func exportWorkerByHandForThirtyThreeClasses() {
    let n = 100 * 200 * 300
    let e = PredictionMemory(
      .init(
        channels: 2, segmentationHeads: 33, originalVoxels: n, croppedVoxels: n / 2,
        predictedVoxels: 2 * n, readerBytes: 4, resampled: true, separateZ: true, folds: 5))
    let (No, Nc, Np) = (Double(n), Double(n / 2), Double(2 * n))
    #expect(e.exportWorker == 2 * 33 * Np + (8 * 33 * Np + 2 * 33 * Nc + 85 * Nc) + No)
    #expect(e.preprocessWorker == 2 * No * (4 + 8) + 3 * No + 8 * 2 * Nc + 4 * 2 * Np + 60 * Np)
    #expect(e.main == 4 * 2 * Np + 2 * 33 * Np * 4)  // 1 + q(2) + 1 for several folds
    #expect(
      e.total(npp: 0, nps: 0) == max(e.preprocessWorker, e.queuedInput + e.main + e.exportWorker)
        + PredictionMemory.processBase)
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
