import Foundation
import HarmonizeResample
import HarmonizeVolume

/// nnU-Net v2's `dataset_fingerprint.json`: per training case the spacing and the shape after cropping to the
/// non-zero region, both in **numpy order** (ITK's reversed), and the pooled foreground intensity statistics.
public struct NNUNetFingerprint: Sendable, Equatable {
  /// Per case, numpy order (z, y, x for a 3D image), mm.
  public var spacings: [[Double]]
  /// Per case, numpy order, voxels after crop-to-nonzero.
  public var shapesAfterCrop: [[Double]]
  public var foregroundIntensity: [Int: IntensityStatistics]

  /// Reads a `dataset_fingerprint.json`.
  /// - Throws: `CheckReferenceError` when the file is missing, malformed or lacks `spacings`.
  public static func load(_ path: String) throws(CheckReferenceError) -> NNUNetFingerprint {
    let object = try JSONFile.object(at: path)
    guard let list = object["spacings"] as? [Any], !list.isEmpty else {
      throw CheckReferenceError(path, "dataset_fingerprint.json has no spacings")
    }
    let spacings = list.compactMap(JSONFile.doubles)
    guard spacings.count == list.count,
      spacings.allSatisfy({ (2...3).contains($0.count) && $0.allSatisfy(Geometry.spacingRange.contains) })
    else {
      throw CheckReferenceError(
        path, "dataset_fingerprint.json spacings must be lists of 2 or 3 numbers between 1e-06 and 1e+06 mm")
    }
    let shapes = (object["shapes_after_crop"] as? [Any] ?? []).compactMap(JSONFile.doubles)
    guard shapes.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 && $0 < Double(GridPlanner.maxAxisSize) } }) else {
      throw CheckReferenceError(
        path, "dataset_fingerprint.json shapes_after_crop must be lists of whole numbers from 0 to 2^31")
    }
    return NNUNetFingerprint(
      spacings: spacings, shapesAfterCrop: shapes,
      foregroundIntensity: intensity(object["foreground_intensity_properties_per_channel"] as? [String: Any] ?? [:]))
  }

  /// Parses nnU-Net's `{"0": {"max": …, "percentile_00_5": …}}` per-channel intensity object.
  static func intensity(_ object: [String: Any]) -> [Int: IntensityStatistics] {
    var result: [Int: IntensityStatistics] = [:]
    for (key, value) in object {
      guard let index = Int(key), let entry = value as? [String: Any] else { continue }
      func number(_ k: String) -> Double? { entry[k].flatMap(JSONFile.double) }
      guard let min = number("min"), let max = number("max"), let p005 = number("percentile_00_5"),
        let p995 = number("percentile_99_5")
      else { continue }
      result[index] = IntensityStatistics(
        min: min, max: max, mean: number("mean") ?? .nan, std: number("std") ?? .nan,
        median: number("median") ?? .nan, percentile_00_5: p005,
        percentile_99_5: p995)
    }
    return result
  }
}
