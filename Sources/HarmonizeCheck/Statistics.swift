import Foundation

/// Order statistics of a set of numbers, as numpy computes them.
public enum Statistics {
  /// The `q`-th percentile (0...100) of sorted values with numpy's default linear interpolation between the two
  /// nearest ranks: position `(n-1)·q/100`. `sorted` must be ascending and non-empty.
  public static func percentile(sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty, "percentile of no values")
    let position = Double(sorted.count - 1) * q / 100
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
  }
}

/// The spread of one per-case quantity along one axis (a spacing in mm, or a size in voxels) over a dataset.
public struct AxisStatistics: Codable, Sendable, Equatable {
  public var min: Double
  public var p10: Double
  public var p25: Double
  public var median: Double
  public var p75: Double
  public var p90: Double
  public var max: Double

  /// Statistics of the values (numpy percentiles, linear interpolation); nil for no values.
  public init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    min = s[0]
    p10 = Statistics.percentile(sorted: s, 10)
    p25 = Statistics.percentile(sorted: s, 25)
    median = Statistics.percentile(sorted: s, 50)
    p75 = Statistics.percentile(sorted: s, 75)
    p90 = Statistics.percentile(sorted: s, 90)
    max = s[s.count - 1]
  }

  /// Per-axis statistics of per-case vectors that all have the same length; nil when empty or ragged.
  public static func perAxis(_ vectors: [[Double]]) -> [AxisStatistics]? {
    guard let n = vectors.first?.count, vectors.allSatisfy({ $0.count == n }) else { return nil }
    return (0..<n).map { axis in AxisStatistics(vectors.map { $0[axis] })! }
  }
}

/// Intensity statistics of one channel, with nnU-Net's key names (`percentile_00_5`, ...) so that a
/// `foreground_intensity_properties_per_channel` entry reads as one of these.
public struct IntensityStatistics: Codable, Sendable, Equatable {
  public var min: Double
  public var max: Double
  public var mean: Double
  /// Population standard deviation (numpy's default `ddof=0`).
  public var std: Double
  public var median: Double
  public var percentile_00_5: Double
  public var percentile_99_5: Double
  /// How many values the statistics were computed from (absent in nnU-Net's files).
  public var sampleCount: Int?

  public init(
    min: Double, max: Double, mean: Double, std: Double, median: Double, percentile_00_5: Double,
    percentile_99_5: Double, sampleCount: Int? = nil
  ) {
    self.min = min
    self.max = max
    self.mean = mean
    self.std = std
    self.median = median
    self.percentile_00_5 = percentile_00_5
    self.percentile_99_5 = percentile_99_5
    self.sampleCount = sampleCount
  }

  /// Statistics of finite sample values; nil when there are none.
  public init?(sample: [Double]) {
    let values = sample.filter(\.isFinite).sorted()
    guard !values.isEmpty else { return nil }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    self.init(
      min: values[0], max: values[values.count - 1], mean: mean, std: variance.squareRoot(),
      median: Statistics.percentile(sorted: values, 50),
      percentile_00_5: Statistics.percentile(sorted: values, 0.5),
      percentile_99_5: Statistics.percentile(sorted: values, 99.5), sampleCount: values.count)
  }
}
