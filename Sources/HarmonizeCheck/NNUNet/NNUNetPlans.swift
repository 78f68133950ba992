import Foundation
import HarmonizeVolume

/// The parts of an nnU-Net v2 plans file (`nnUNetPlans.json`, or `plans.json` in a trained model folder) that
/// decide how a prediction input is resampled and how much memory that takes.
///
/// Axis order: nnU-Net stores `spacing` and `patch_size` **transposed** (numpy order permuted by
/// `transpose_forward`). `spacingITK(of:)` undoes both and returns the spacing in ITK order (i, j, k).
public struct NNUNetPlans: Sendable, Equatable {
  /// One resolved configuration (`inherits_from` applied).
  public struct Configuration: Sendable, Equatable {
    public var name: String
    /// Target spacing in mm, transposed numpy order; 2 values for 2D configurations (in-plane only).
    public var spacing: [Double]
    public var patchSize: [Int]
    public var normalizationSchemes: [String]
    /// The data resampling function's name; `resample_torch_fornnunet` marks the cheaper `*_torchres` plans.
    public var resamplingFunction: String
    /// Whether images and segmentations are resampled by nnU-Net's default: `resample_data_or_seg_to_shape` with
    /// order 3 / order 1, order_z 0 and force_separate_z null (what `--interpolation nnunet` reproduces).
    public var usesDefaultResampling: Bool = true
    /// `use_mask_for_norm` per channel (ZScoreNormalization then uses only the filled non-zero region).
    public var useMaskForNorm: [Bool] = []
    /// `preprocessor_name` ("DefaultPreprocessor").
    public var preprocessorName: String = "DefaultPreprocessor"
  }

  public var transposeForward: [Int]
  /// `image_reader_writer`, e.g. "SimpleITKIO", "NibabelIOWithReorient".
  public var imageReaderWriter: String
  public var configurations: [String: Configuration]
  /// `foreground_intensity_properties_per_channel` (or the older `..._by_modality`), by channel index.
  public var foregroundIntensity: [Int: IntensityStatistics]

  /// True when the reader reorients every image (`SimpleITKIOWithReorient`, `NibabelIOWithReorient`), so stored
  /// orientation does not matter.
  public var readerReorients: Bool { imageReaderWriter.hasSuffix("WithReorient") }

  /// Bytes per voxel of the reader's native array before nnU-Net's float32 stack: NibabelIO goes through
  /// float64 (`get_fdata`), SimpleITKIO keeps the file's type (`fileBytes`).
  public func readerBytes(fileBytes: Int) -> Int { imageReaderWriter.hasPrefix("Nibabel") ? 8 : fileBytes }

  /// A configuration's target spacing in ITK order (i, j, k) for a 3D image; a 2D configuration keeps the
  /// image's own spacing on the slice axis (`ownSpacing`, ITK order).
  public func spacingITK(of configuration: Configuration, ownSpacing: [Double]) -> [Double] {
    let n = transposeForward.count
    var numpy = ownSpacing.count == n ? Array(ownSpacing.reversed()) : Array(repeating: 1, count: n)
    let transposed = configuration.spacing
    let offset = n - transposed.count  // 1 for a 2D configuration: the slice axis is not resampled
    for (t, value) in transposed.enumerated() where t + offset < n {
      numpy[transposeForward[t + offset]] = value
    }
    return Array(numpy.reversed())
  }

  /// Reads a plans file.
  /// - Throws: `CheckReferenceError` when the file is missing, malformed or lacks the keys used here.
  public static func load(_ path: String) throws(CheckReferenceError) -> NNUNetPlans {
    let object = try JSONFile.object(at: path)
    guard let transpose = (object["transpose_forward"] as? [Any])?.compactMap(JSONFile.integer),
      (2...3).contains(transpose.count), Set(transpose) == Set(0..<transpose.count)
    else {
      throw CheckReferenceError(path, "plans have no valid transpose_forward permutation of 2 or 3 axes")
    }
    guard let raw = object["configurations"] as? [String: Any], !raw.isEmpty else {
      throw CheckReferenceError(path, "plans have no configurations")
    }
    var configurations: [String: Configuration] = [:]
    for name in raw.keys {
      var merged: [String: Any] = [:]
      var chain: [String] = []
      var current: String? = name
      while let c = current, !chain.contains(c), let entry = raw[c] as? [String: Any] {
        chain.append(c)
        for (k, v) in entry where merged[k] == nil { merged[k] = v }
        current = entry["inherits_from"] as? String
      }
      guard let spacing = JSONFile.doubles(merged["spacing"]), !spacing.isEmpty else { continue }
      guard spacing.count <= transpose.count, spacing.allSatisfy(Geometry.spacingRange.contains) else {
        throw CheckReferenceError(
          path,
          "configuration \(name): spacing must be up to \(transpose.count) numbers between 1e-06 and 1e+06 mm, not \(formatList(spacing))"
        )
      }
      let patch = JSONFile.doubles(merged["patch_size"]) ?? []
      guard patch.allSatisfy({ $0.isFinite && $0 >= 1 && $0 <= 1e6 }) else {
        throw CheckReferenceError(
          path, "configuration \(name): patch_size must be whole numbers from 1 to 10^6, not \(formatList(patch))")
      }
      configurations[name] = Configuration(
        name: name, spacing: spacing,
        patchSize: patch.map { Int($0) },
        normalizationSchemes: (merged["normalization_schemes"] as? [Any])?.map { "\($0)" } ?? [],
        resamplingFunction: merged["resampling_fn_data"] as? String ?? "resample_data_or_seg_to_shape",
        usesDefaultResampling: isDefault(merged),
        useMaskForNorm: (merged["use_mask_for_norm"] as? [Any])?.map { ($0 as? Bool) ?? false } ?? [],
        preprocessorName: merged["preprocessor_name"] as? String ?? "DefaultPreprocessor")
    }
    let intensityObject =
      (object["foreground_intensity_properties_per_channel"]
      ?? object["foreground_intensity_properties_by_modality"]) as? [String: Any] ?? [:]
    return NNUNetPlans(
      transposeForward: transpose,
      imageReaderWriter: object["image_reader_writer"] as? String ?? "SimpleITKIO",
      configurations: configurations,
      foregroundIntensity: NNUNetFingerprint.intensity(intensityObject))
  }

  /// nnU-Net's default resampling functions and kwargs (absent keys are the defaults).
  static func isDefault(_ configuration: [String: Any]) -> Bool {
    func matches(_ function: String, _ kwargs: String, order: Int) -> Bool {
      guard (configuration[function] as? String ?? "resample_data_or_seg_to_shape") == "resample_data_or_seg_to_shape"
      else { return false }
      let k = configuration[kwargs] as? [String: Any] ?? [:]
      return (k["order"].flatMap(JSONFile.integer) ?? order) == order
        && (k["order_z"].flatMap(JSONFile.integer) ?? 0) == 0
        && (k["force_separate_z"] == nil || k["force_separate_z"] is NSNull)
    }
    return matches("resampling_fn_data", "resampling_fn_data_kwargs", order: 3)
      && matches("resampling_fn_seg", "resampling_fn_seg_kwargs", order: 1)
  }
}
