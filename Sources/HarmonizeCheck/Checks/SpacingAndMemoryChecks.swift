import Foundation
import HarmonizeResample
import HarmonizeVolume

extension CaseChecks {
  /// The spacing nnU-Net resamples this case to, ITK order: the configuration's plan spacing (a 2D
  /// configuration keeps the case's own slice spacing), else the fingerprint's nnU-Net target spacing.
  func targetSpacing(for spacing: [Double]) -> [Double]? {
    Self.targetSpacing(for: spacing, reference: reference, configuration: configuration)
  }

  static func targetSpacing(
    for spacing: [Double], reference: CheckReference, configuration: NNUNetPlans.Configuration?
  ) -> [Double]? {
    if let configuration, let plans = reference.plans {
      guard plans.transposeForward.count == spacing.count else { return nil }
      return plans.spacingITK(of: configuration, ownSpacing: spacing)
    }
    let target = reference.fingerprint.targetSpacing
    return target.count == spacing.count ? target : nil
  }

  /// nnU-Net's sizes and memory for a case (../shared/reference/nnunet.md §3.3): a fact the checks read, computed
  /// once from the headers and the non-zero box (nnU-Net's crop) when pixels were read.
  static func estimateMemory(
    files: CaseFiles, headers: [Int: ImageHeader], nonzeroSize: [Int]?, reference: CheckReference,
    options: CheckOptions, configuration: NNUNetPlans.Configuration?
  ) -> CaseMemory? {
    guard let first = files.channelIndices.lazy.compactMap({ headers[$0] }).first else { return nil }
    let n = min(first.geometry.dimension, 3)
    let size = Array(first.geometry.size.prefix(n))
    let spacing = Array(first.geometry.spacing.prefix(n))
    guard let target = targetSpacing(for: spacing, reference: reference, configuration: configuration) else {
      return nil
    }
    let cropped = nonzeroSize.flatMap { $0.count == n ? $0 : nil } ?? size
    // nnU-Net's compute_new_shape: round(shape · spacing / target), Python's round (half to even).
    let predicted = (0..<n).map { GridPlanner.outputSize(cropped[$0], spacing[$0], target[$0]) }
    let fileBytes = files.channelIndices.compactMap { headers[$0]?.pixelType.byteCount }.max() ?? 4
    let estimate = PredictionMemory(
      PredictionMemory.Case(
        channels: max(1, reference.channelNames.count),
        segmentationHeads: reference.segmentationHeads ?? 2,
        originalVoxels: size.reduce(1, *), croppedVoxels: cropped.reduce(1, *), predictedVoxels: predicted.reduce(1, *),
        readerBytes: reference.plans?.readerBytes(fileBytes: fileBytes) ?? fileBytes,
        resampled: predicted != cropped,
        separateZ: anisotropic(spacing) || anisotropic(target),
        folds: options.folds ?? reference.folds ?? 5,
        torchResampling: configuration?.resamplingFunction.contains("torch") ?? false))
    return CaseMemory(size: size, croppedSize: cropped, predictedSize: predicted, estimate: estimate)
  }

  /// Spacing against the training range, and against the spacing nnU-Net resamples to: a much finer or coarser
  /// case costs memory and time in proportion, and drifts out of the training distribution.
  func checkSpacing(into out: inout [Finding]) {
    guard let first = primary, let memory else { return }
    let n = memory.size.count
    // A permuted case is compared in the training axis order: reorienting (the orientation finding's fix) comes first.
    let spacing = inTrainingAxisOrder(Array(first.geometry.spacing.prefix(n)))
    let stats = reference.fingerprint.spacing
    guard stats.count == n, let target = targetSpacing(for: spacing) else { return }
    var reasons: [String] = []
    let outside = (0..<n).filter { spacing[$0] < stats[$0].min * 0.99 || spacing[$0] > stats[$0].max * 1.01 }
    if !outside.isEmpty {
      reasons.append("outside the training range on axis \(outside.map(String.init).joined(separator: ", "))")
    }
    let ratios = (0..<n).map { target[$0] / spacing[$0] }
    if let finest = ratios.max(), finest >= 2 {
      reasons.append(
        "\(formatNumber(rounded(finest)))x finer than the \(configuration.map { "\($0.name) plan" } ?? "training target") spacing"
      )
    }
    if let coarsest = ratios.min(), coarsest <= 0.5 {
      reasons.append(
        "\(formatNumber(rounded(1 / coarsest)))x coarser than the \(configuration.map { "\($0.name) plan" } ?? "training target") spacing"
      )
    }
    guard !reasons.isEmpty else { return }
    let e = memory.estimate
    let K = e.input.segmentationHeads
    let consequence =
      "nnU-Net resamples it to \(formatList(memory.predictedSize)) for the network (\(formatBytes(Int(e.queuedInput))) float32 input, GPU arrays \(formatBytes(Int(e.gpuDataArrays)))), then resamples \(K) logit channels back onto \(formatList(memory.croppedSize)) voxels: export worker ≈ \(formatBytes(Int(e.exportWorker))), preprocessing worker ≈ \(formatBytes(Int(e.preprocessWorker)))"
    let range = stats.map { "\(formatNumber($0.min))–\(formatNumber($0.max))" }.joined(separator: ", ")
    let targetText = target.map { formatNumber(rounded($0)) }.joined(separator: ",")
    out.append(
      Finding(
        .warning, "spacing", "spacing \(reasons.joined(separator: "; ")): \(consequence)",
        measured: "\(formatList(spacing)) mm (ITK order i, j, k)",
        expected: "training (\(range)) mm, target \(formatList(target.map(rounded))) mm",
        fix: commands(into: "resampled") {
          "harmonize resample \(quote($0)) \(quote($1)) --spacing \(targetText)"
            + (reorientationNeeded.map { " --orient \($0)" } ?? "")
        } + " (then map the prediction back onto the original grid)"))
  }

  /// The case's own memory against the budget: an error when even nnU-Net's sequential mode does not fit.
  func checkMemory(into out: inout [Finding]) {
    guard let memory else { return }
    let advice = MemoryAdvice(worstOf: [memory.estimate], memory: options.memory, gpuMemory: options.gpuMemory)
    let sizes =
      "\(formatList(memory.size)) → \(formatList(memory.predictedSize)) at plan spacing, K = \(memory.estimate.input.segmentationHeads)"
    if advice.preprocessWorkers == nil {
      out.append(
        Finding(
          .error, "memory",
          "needs \(formatBytes(Int(memory.estimate.total(npp: 0, nps: 0)))) even in nnU-Net's sequential mode (-npp 0 -nps 0); \(formatBytes(Int(advice.usable))) usable (80% of \(formatBytes(Int(options.memory))))",
          measured: sizes, expected: "≤ \(formatBytes(Int(advice.usable)))",
          fix:
            "resample to a coarser spacing first (harmonize resample --spacing / --max-size), use a *_torchres plan or 3d_lowres, or more RAM"
        ))
    } else if !advice.defaultsFit, let flags = advice.predictFlags {
      out.append(
        Finding(
          .warning, "memory",
          "nnU-Net's defaults (-npp 3 -nps 3) need \(formatBytes(Int(memory.estimate.total(npp: 3, nps: 3)))) for this case; \(formatBytes(Int(advice.usable))) usable",
          measured: sizes, expected: "≤ \(formatBytes(Int(advice.usable)))", fix: "nnUNetv2_predict ... \(flags)"))
    }
  }
}

/// nnU-Net's `get_do_separate_z`: max/min spacing > 3.
func anisotropic(_ spacing: [Double]) -> Bool {
  guard let lo = spacing.min(), let hi = spacing.max(), lo > 0 else { return false }
  return hi / lo > TargetSpacingRule.anisotropyThreshold
}

/// Rounded to 4 significant decimals for messages.
func rounded(_ x: Double) -> Double { (x * 1e4).rounded() / 1e4 }
