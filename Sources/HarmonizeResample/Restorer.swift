import Foundation
import HarmonizeVolume

/// Maps a segmentation predicted on a resampled grid back onto the original scan's grid.
public enum Restorer {
  /// What a restore did.
  public struct Report: Sendable {
    public var geometry: Geometry
    /// Label values of the prediction and of the restored map (a subset of the former).
    public var predictionLabels: [Int]
    public var restoredLabels: [Int]
  }

  /// Resamples `prediction` onto `original` (size, spacing, origin, direction) with `nearest` or `label`
  /// interpolation, keeps the prediction's pixel type, writes `output` atomically, and reads it back to verify the
  /// geometry (exact size; spacing, origin and direction to 1e-4 mm, NIfTI's float32 precision).
  /// - Throws: `ImageFileError`, `ResampleError` (interpolation not label-safe, or the written geometry differs).
  ///
  /// `resampled` is the grid the prediction was made on (from a sidecar or manifest): a prediction whose size, spacing,
  /// origin or direction differ from it is refused (a prediction of another case used to restore to empty labels).
  public static func restore(
    prediction: String, original: Geometry, resampled: Geometry? = nil, output: String,
    interpolation: Interpolation = .label, threads: Int? = nil
  ) throws -> Report {
    guard interpolation.isLabelSafe else {
      throw ResampleError(
        .invalidRequest("restore maps segmentations: use nearest or label, not \(interpolation.rawValue)"))
    }
    try ImageFile.checkWritable(output, inputs: [prediction])
    if let resampled {
      let found = try ImageFile.readHeader(at: prediction).geometry
      if let difference = found.difference(from: resampled) {
        throw ResampleError(
          .invalidRequest(
            "\(prediction) does not lie on the grid its case was resampled to (\(difference)): a prediction of another case, or of another resample?"
          ))
      }
    }
    let volume = try ImageFile.read(at: prediction)
    guard volume.pixelType.isInteger else {
      throw ResampleError(
        .invalidRequest("\(prediction) holds \(volume.pixelType.rawValue) values: a segmentation has integer labels"))
    }
    var target = original
    if volume.geometry.dimension != original.dimension {
      throw ResampleError(
        .invalidRequest("the prediction has \(volume.geometry.dimension) axes, the original \(original.dimension)"))
    }
    target.size = original.size
    let request = ResampleRequest(target: .like(target), interpolation: interpolation, threads: threads)
    let plan = try GridPlanner.plan(volume.header(), request)
    let result = try Resampler.resample(volume, to: plan, request: request)
    // The write reads its header back before the rename (WriteVerification.checkHeader): a geometry the format
    // cannot hold is an error and leaves any existing output as it was.
    try ImageFile.write(result, to: output)
    let written = try ImageFile.readHeader(at: output).geometry
    return Report(geometry: written, predictionLabels: distinct(volume), restoredLabels: distinct(result))
  }

  /// The distinct values of an integer volume, sorted (a u64 value beyond Int's range counts as Int.max).
  static func distinct(_ v: Volume) -> [Int] {
    var seen = Set<Int>()
    var last = Double.nan
    for i in 0..<v.valueCount {
      let x = v.value(at: i)
      if x == last { continue }
      last = x
      seen.insert(Int(exactly: x) ?? Int.max)
    }
    return seen.sorted()
  }
}
