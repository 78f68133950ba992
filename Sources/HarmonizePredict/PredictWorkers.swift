import HarmonizeCheck

/// nnU-Net preprocessing workers for the runner (`-npp`), from the memory model of its prediction pipeline
/// (`PredictionMemory`): 0 preprocesses in the runner's own process, one case after another; each worker adds a
/// Python with torch, one case's preprocessing and the tensor it hands over. The export happens in harmonize (the
/// logits of one case at the network's grid, mapped, and its label map), so nnU-Net's export workers are not counted.
enum PredictWorkers {
  /// The most workers (at most 3, nnU-Net's default, and fewer than the cases) whose total fits 80% of `memory`.
  static func choose(estimates: [PredictionMemory], cases: Int, memory: Double) -> Int {
    guard let worst = estimates.max(by: { $0.preprocessWorker < $1.preprocessWorker }) else { return 0 }
    let usable = 0.8 * memory
    let heads = Double(worst.input.segmentationHeads), predicted = Double(worst.input.predictedVoxels)
    let export = 2 * heads * predicted + 2 * Double(worst.input.originalVoxels)
    let runner = PredictionMemory.processBase + worst.main + export
    var chosen = 0
    for workers in 1...3 where workers < cases {
      let total = runner + Double(workers) * (worst.preprocessWorker + worst.queuedInput + PredictionMemory.processBase)
      if total <= usable { chosen = workers }
    }
    return chosen
  }
}
