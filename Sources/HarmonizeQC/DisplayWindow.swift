import HarmonizeVolume

/// The intensity range mapped to black..white on a QC slice.
public struct DisplayWindow: Sendable, Equatable {
  public var low: Double
  public var high: Double
  /// How it was chosen, for the page: "CT soft tissue (W 400, L 40)" or "0.5-99.5% of the intensities".
  public var rule: String
  /// Intensities at the 1st, 50th and 99th percentile of the sample, and the share of the sample at or below
  /// `backgroundLevel`.
  public var p01: Double
  public var p50: Double
  public var p99: Double
  /// Values at or below this count as background (air, outside the body): 5% of the way from p01 to p99.
  public var backgroundLevel: Double { p01 + 0.05 * (p99 - p01) }
  /// The share of sampled voxels at or below `backgroundLevel`.
  public var backgroundShare: Double

  /// A soft-tissue window when the values look like Hounsfield units (air near -1000 and tissue above -200), else the
  /// 0.5-99.5% percentiles of at most 2^18 voxels spread evenly over the image (component 0).
  public init(of volume: Volume) {
    let count = volume.voxelCount
    let step = DisplayWindow.sampleStep(count)
    var sample: [Double] = []
    sample.reserveCapacity(count / step + 1)
    var index = 0
    while index < count {
      sample.append(volume.value(at: index * volume.components))
      index += step
    }
    self.init(sample: sample)
  }

  /// Every `sampleStep(voxels)`-th voxel (component 0) is sampled: at most 2^18 of them.
  static func sampleStep(_ voxels: Int) -> Int { max(1, voxels / 262_144) }

  /// From sampled intensities; non-finite values are left out.
  init(sample values: [Double]) {
    var sample = values.filter(\.isFinite)
    sample.sort()
    func quantile(_ q: Double) -> Double {
      sample.isEmpty ? 0 : sample[min(sample.count - 1, max(0, Int((Double(sample.count - 1) * q).rounded())))]
    }
    p01 = quantile(0.01)
    p50 = quantile(0.5)
    p99 = quantile(0.99)
    let level = p01 + 0.05 * (p99 - p01)
    backgroundShare = sample.isEmpty ? 0 : Double(sample.prefix { $0 <= level }.count) / Double(sample.count)
    let lowest = quantile(0.005), highest = quantile(0.995)
    if lowest <= -900 && lowest >= -3100 && highest > -200 && highest <= 5000 {
      low = -160
      high = 240
      rule = "CT soft tissue (W 400, L 40)"
    } else {
      low = lowest
      high = highest > lowest ? highest : lowest + 1
      rule = "0.5-99.5% of the intensities"
    }
  }

  /// A grey level 0...255.
  @inline(__always) func grey(_ value: Double) -> UInt8 {
    guard value.isFinite else { return 0 }
    let t = (value - low) / (high - low)
    return UInt8(max(0, min(255, (t * 255).rounded())))
  }
}
