/// nnU-Net v2's memory for predicting one case, from the formulas in ../shared/reference/nnunet.md §3.3 (read
/// from `predict_from_raw_data.py`, `default_preprocessor.py`, `default_resampling.py`, `export_prediction.py`).
///
/// Notation: C channels, K segmentation heads, N_o voxels of the input, N_c after nnU-Net's crop to the non-zero
/// region, N_p after resampling to the plan spacing; b bytes per voxel of the reader's native array. All results
/// are bytes. The constant per-process base (Python, torch) is not in the per-stage figures; `total` adds it.
public struct PredictionMemory: Sendable, Equatable, Codable {
  /// What a case looks like to nnU-Net.
  public struct Case: Sendable, Equatable, Codable {
    public var channels: Int
    public var segmentationHeads: Int
    public var originalVoxels: Int
    public var croppedVoxels: Int
    public var predictedVoxels: Int
    /// Bytes per voxel of the reader's array: the file's pixel size for SimpleITKIO, 8 for NibabelIO.
    public var readerBytes: Int
    /// nnU-Net resamples (the cropped shape differs from the shape at plan spacing).
    public var resampled: Bool
    /// nnU-Net's "separate z" path (max/min of the original or the target spacing > 3): larger transients.
    public var separateZ: Bool
    /// Folds averaged (`-f`); more than one keeps an extra fp16 logits sum.
    public var folds: Int
    /// `*_torchres` plans: float32 torch resampling instead of scipy's float64.
    public var torchResampling: Bool

    public init(
      channels: Int, segmentationHeads: Int, originalVoxels: Int, croppedVoxels: Int, predictedVoxels: Int,
      readerBytes: Int, resampled: Bool, separateZ: Bool, folds: Int = 1, torchResampling: Bool = false
    ) {
      self.channels = channels
      self.segmentationHeads = segmentationHeads
      self.originalVoxels = originalVoxels
      self.croppedVoxels = croppedVoxels
      self.predictedVoxels = predictedVoxels
      self.readerBytes = readerBytes
      self.resampled = resampled
      self.separateZ = separateZ
      self.folds = folds
      self.torchResampling = torchResampling
    }
  }

  /// Queued exports the main process may hold beyond the export workers (`allowed_num_queued=2`).
  public static let queuedExports = 2.0
  /// Resident memory of one more Python process with torch loaded (an estimate: 0.3-0.5 GB).
  public static let processBase = 0.4 * 1_073_741_824

  public var input: Case
  /// One preprocessing worker (`-npp`): read, float32 copy, crop mask, resample to the plan spacing.
  public var preprocessWorker: Double
  /// The float32 tensor a preprocessing worker hands to the main process (shared memory).
  public var queuedInput: Double
  /// One export worker (`-nps`): fp16 logits, resampled back (float64), argmax, uncrop.
  public var exportWorker: Double
  /// Of that, nnU-Net's `resample_data_or_seg` back onto the cropped grid (0 when nothing is resampled): a float64 copy
  /// of every logit, the output and a transient; reference/nnunet.md §3.2 measured it against nnunetv2.
  public var exportResampling: Double
  /// The main process with the sliding-window results on the GPU (host side only).
  public var main: Double
  /// Extra host memory of the main process when the logits stay on the CPU (`--not_on_device`, CPU, fallback).
  public var notOnDeviceExtra: Double
  /// The data arrays on the GPU: input, fp16 logits and counts, `isinf` transient (context, weights and the
  /// patch activations come on top).
  public var gpuDataArrays: Double

  public init(_ c: Case) {
    input = c
    let C = Double(c.channels), K = Double(c.segmentationHeads)
    let No = Double(c.originalVoxels), Nc = Double(c.croppedVoxels), Np = Double(c.predictedVoxels)
    let b = Double(c.readerBytes)
    let sigma3 = c.separateZ ? 60.0 : 13.0, sigma = c.separateZ ? 85.0 : 8.0
    preprocessWorker = C * No * (b + 8) + 3 * No + (c.resampled ? 8 * C * Nc + 4 * C * Np + sigma3 * Np : 0)
    queuedInput = 4 * C * Np
    var resampleBack: Double
    if !c.resampled {
      resampleBack = 0
    } else if c.torchResampling {
      resampleBack = 4 * K * Np + 4 * K * Nc
    } else {
      resampleBack = 8 * K * Np + 2 * K * Nc + sigma * Nc
    }
    exportResampling = resampleBack
    exportWorker = 2 * K * Np + max(resampleBack, 4 * K * Nc + 8 * Nc) + No
    main = 4 * C * Np + 2 * K * Np * (1 + PredictionMemory.queuedExports + (c.folds > 1 ? 1 : 0))
    notOnDeviceExtra = Np * (2 * K + 2 + K)
    gpuDataArrays = Np * (4 * C + 2 * K + 2) + K * Np
  }

  /// Host RAM of `nnUNetv2_predict -npp npp -nps nps` (npp = nps = 0: the sequential path), process bases included.
  public func total(npp: Int, nps: Int, onDevice: Bool = true) -> Double {
    let mainProcess = main + (onDevice ? 0 : notOnDeviceExtra) + Self.processBase
    if npp == 0 && nps == 0 {
      return max(preprocessWorker, queuedInput + main + (onDevice ? 0 : notOnDeviceExtra) + exportWorker)
        + Self.processBase
    }
    return mainProcess + Double(npp) * (preprocessWorker + queuedInput + Self.processBase)
      + Double(nps) * (exportWorker + Self.processBase)
  }

  /// Host RAM of validation (`nnUNetv2_train ... --val`) with `nnUNet_def_n_proc` export workers.
  public func validationTotal(exportWorkers: Int) -> Double {
    main + Self.processBase + Double(exportWorkers) * (exportWorker + Self.processBase)
  }
}

/// The `nnUNetv2_predict` settings that fit a memory budget, for the largest case of a set.
public struct MemoryAdvice: Sendable, Equatable, Codable {
  /// The memory the advice was computed for, bytes.
  public var memory: Double
  /// The part of it the advice may use (80%: the rest is the OS, page cache and headroom).
  public var usable: Double
  /// nnU-Net's defaults (`-npp 3 -nps 3`) fit.
  public var defaultsFit: Bool
  /// Workers that fit: (npp, nps); (0, 0) means the sequential path; nil when not even that fits.
  public var preprocessWorkers: Int?
  public var exportWorkers: Int?
  /// RAM the recommended setting needs.
  public var needed: Double
  /// `nnUNet_def_n_proc` for validation, when the default 8 does not fit.
  public var validationExportWorkers: Int?
  /// The GPU data arrays exceed the given GPU memory: recommend `--not_on_device`.
  public var notOnDevice: Bool
  /// nnU-Net's default worker count.
  public static let nnunetDefaultWorkers = 3
  /// nnU-Net's default `nnUNet_def_n_proc`.
  public static let nnunetDefaultValidationWorkers = 8
  /// Fixed GPU overhead beyond the data arrays: CUDA context (~0.5 GB) and one patch's activations (~1-3 GB).
  public static let gpuOverhead = 2.5 * 1_073_741_824

  /// Advice for the worst case of `estimates` (each stage's maximum over the cases).
  public init(worstOf estimates: [PredictionMemory], memory: Double, gpuMemory: Double? = nil) {
    self.memory = memory
    usable = 0.8 * memory
    let worst = estimates.max { $0.total(npp: 3, nps: 3) < $1.total(npp: 3, nps: 3) }
    notOnDevice = gpuMemory.map { gpu in estimates.contains { $0.gpuDataArrays + Self.gpuOverhead > gpu } } ?? false
    let onDevice = !notOnDevice
    func need(_ npp: Int, _ nps: Int) -> Double {
      estimates.map { $0.total(npp: npp, nps: nps, onDevice: onDevice) }.max() ?? 0
    }
    defaultsFit = need(3, 3) <= usable
    preprocessWorkers = nil
    exportWorkers = nil
    needed = need(0, 0)
    search: for nps in stride(from: 3, through: 1, by: -1) {
      for npp in stride(from: 3, through: 1, by: -1) where need(npp, nps) <= usable {
        (preprocessWorkers, exportWorkers, needed) = (npp, nps, need(npp, nps))
        break search
      }
    }
    if preprocessWorkers == nil && need(0, 0) <= usable { (preprocessWorkers, exportWorkers) = (0, 0) }
    if let worst, worst.validationTotal(exportWorkers: Self.nnunetDefaultValidationWorkers) > usable {
      let perWorker = worst.exportWorker + PredictionMemory.processBase
      let fit = Int(((usable - worst.main - PredictionMemory.processBase) / perWorker).rounded(.down))
      validationExportWorkers = max(1, fit)
    }
  }

  /// The flags to add to `nnUNetv2_predict`, e.g. "-npp 2 -nps 1"; nil when nothing fits.
  public var predictFlags: String? {
    guard let npp = preprocessWorkers, let nps = exportWorkers else { return nil }
    var flags = defaultsFit ? "" : "-npp \(npp) -nps \(nps)"
    if notOnDevice { flags += (flags.isEmpty ? "" : " ") + "--not_on_device" }
    return flags
  }
}
