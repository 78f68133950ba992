import Foundation
import HarmonizeCheck

/// nnU-Net v2's intensity normalization schemes (nnunetv2 2.8.1, `preprocessing/normalization/
/// default_normalization_schemes.py`), applied in float32 as nnU-Net applies them to the cropped channel before it is
/// resampled. Read from nnU-Net's source; no code is copied.
///
/// - `CTNormalization`: clip to the training foreground's 0.5 and 99.5 percentiles, subtract its mean, divide by its
///   standard deviation (at least 1e-8); every constant cast to float32, as numpy casts Python floats.
/// - `ZScoreNormalization`: the case's own mean and standard deviation (over the filled non-zero region when
///   `use_mask_for_norm`, the rest left as is), then the same two steps. nnU-Net sums in float32 pairwise; harmonize
///   sums in float64 and rounds the mean and the deviation to float32, which can differ from numpy's in the last bit.
/// - `NoNormalization`: the values as float32. `RescaleTo01Normalization`: minus the minimum, over the new maximum
///   (at least 1e-8). `RGBTo01Normalization`: over 255.
enum NNUNetNormalization: String, CaseIterable {
  case ct = "CTNormalization"
  case zScore = "ZScoreNormalization"
  case none = "NoNormalization"
  case rescale = "RescaleTo01Normalization"
  case rgb = "RGBTo01Normalization"

  /// Normalizes `values` in place. `mask` (the filled non-zero region) is used by z-score with `useMask`.
  /// - Throws: `PredictError` when the scheme needs statistics the plans do not give, or RGB values leave 0...255.
  func apply(
    _ values: UnsafeMutableBufferPointer<Float>, useMask: Bool, mask: [Bool]?, properties: IntensityStatistics?,
    channel: Int, path: String
  ) throws(PredictError) {
    switch self {
    case .ct:
      guard let p = properties else {
        throw PredictError(path, "CTNormalization of channel \(channel) needs the plans' foreground intensities")
      }
      let low = Float(p.percentile_00_5), high = Float(p.percentile_99_5), mean = Float(p.mean)
      let std = Float(max(p.std, 1e-8))
      for i in values.indices {
        var x = values[i]
        // np.clip: maximum, then minimum (NaN stays NaN).
        x = x.isNaN ? x : Swift.min(Swift.max(x, low), high)
        x -= mean
        x /= std
        values[i] = x
      }
    case .zScore:
      let masked = useMask ? mask : nil
      var sum = 0.0, count = 0
      for i in values.indices where masked?[i] ?? true {
        sum += Double(values[i])
        count += 1
      }
      guard count > 0 else { return }
      let mean = Float(sum / Double(count))
      var squares = 0.0
      for i in values.indices where masked?[i] ?? true {
        let d = values[i] - mean
        squares += Double(d * d)
      }
      let std = Float(squares / Double(count)).squareRoot()
      let divisor = Swift.max(std, Float(1e-8))
      for i in values.indices where masked?[i] ?? true { values[i] = (values[i] - mean) / divisor }
    case .none:
      return
    case .rescale:
      var low = Float.infinity
      for v in values { low = Swift.min(low, v) }
      var high = -Float.infinity
      for i in values.indices {
        values[i] -= low
        high = Swift.max(high, values[i])
      }
      let divisor = Swift.max(high, Float(1e-8))
      for i in values.indices { values[i] /= divisor }
    case .rgb:
      for v in values where !(v >= 0 && v <= 255) {
        throw PredictError(path, "RGBTo01Normalization: channel \(channel) holds \(v), outside 0...255")
      }
      for i in values.indices { values[i] /= 255 }
    }
  }
}
