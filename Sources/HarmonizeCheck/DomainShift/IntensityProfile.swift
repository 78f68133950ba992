import Foundation

/// A compact description of one image's intensity distribution (one channel of one case), computed from the even
/// sample that `fingerprint` and `check` draw in their one pass over the voxels: what `check` compares a
/// prediction input with, case by case, to tell a shifted, rescaled, inverted, clipped, noisy or foreign image from
/// the training set's own variation. Intensities in the file's stored units (after NIfTI scl_slope/inter).
public struct IntensityProfile: Codable, Sendable, Equatable {
  /// The percentiles `quantiles` holds, in percent.
  public static let levels: [Double] = [0.5, 1, 2, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5]

  /// The percentiles at `levels` (numpy's linear interpolation) of the sample without its background: the most
  /// frequent value when it holds at least 20% of the sample (0 or -1024 outside the body in many scans), which
  /// would otherwise flatten most percentiles.
  public var quantiles: [Double]
  /// That background value and its share of the sample; nil when no value holds 20%.
  public var background: Double?
  public var backgroundShare: Double?
  /// Share of the sample at its lowest and at its highest value: a clipped or saturated range piles voxels there.
  public var atMinimum: Double
  public var atMaximum: Double
  /// The 75th percentile of the absolute difference between a sampled non-background voxel and its neighbour along
  /// x, over the 1-99% range: fine-grained noise relative to contrast (unchanged by an offset or a rescale). nil when
  /// not measured.
  public var noise: Double?
  /// Bias-field trend: among voxels above the median, the spread of the eight octants' medians over the overall
  /// median of those voxels less the 1st percentile (0 for a flat field). nil when not measured.
  public var bias: Double?
  /// Where the image's border (both ends of its rows) lies among the image's non-background values: the share of
  /// them below the border's median (ties count half). Low when the border is background, high in an inverted image;
  /// unchanged by an offset or a rescale. nil when not measured.
  public var borderRank: Double?
  /// Voxels sampled.
  public var sampleCount: Int

  /// From a sample (any order; non-finite values are left out), with each sampled voxel's octant (bit 0: x in the
  /// upper half, bit 1: y, bit 2: z) and its difference to its neighbour along x, when the scan measured them.
  public init?(sample: [Double], octants: [UInt8]? = nil, differences: [Double]? = nil, border: [Double]? = nil) {
    // At most 2^18 of the sample's values, evenly strided: enough for percentiles to 0.5%, and cheap beside the
    // pass that drew them.
    let step = max(1, sample.count / 262_144)
    var pairs: [(Double, UInt8)] = []
    var neighbours: [(Double, Double)] = []
    pairs.reserveCapacity(sample.count / step + 1)
    for index in stride(from: 0, to: sample.count, by: step) {
      let value = sample[index]
      guard value.isFinite else { continue }
      pairs.append((value, octants.flatMap { index < $0.count ? $0[index] : nil } ?? 0))
      if let differences, index < differences.count { neighbours.append((value, differences[index])) }
    }
    guard !pairs.isEmpty else { return nil }
    let values = pairs.map(\.0).sorted()
    let n = values.count
    // The longest run of one value in the sorted sample.
    var best = (value: values[0], count: 0)
    var start = 0
    for index in 1...n where index == n || values[index] != values[start] {
      if index - start > best.count { best = (values[start], index - start) }
      start = index
    }
    var body = values
    if Double(best.count) >= 0.2 * Double(n) && best.count < n {
      background = best.value
      backgroundShare = Double(best.count) / Double(n)
      body = values.filter { $0 != best.value }
    } else {
      background = nil
      backgroundShare = nil
    }
    quantiles = IntensityProfile.levels.map { Statistics.percentile(sorted: body, $0) }
    let low = values[0], high = values[n - 1]
    atMinimum = Double(values.prefix { $0 == low }.count) / Double(n)
    atMaximum = Double(values.reversed().prefix { $0 == high }.count) / Double(n)
    sampleCount = n
    let range = quantiles[11] - quantiles[1]
    if differences != nil, range > 0 {
      let finite = neighbours.filter { $0.1.isFinite && $0.0 != background }.map(\.1).sorted()
      noise = finite.isEmpty ? nil : Statistics.percentile(sorted: finite, 75) / range
    } else {
      noise = nil
    }
    if let border, !border.isEmpty {
      let middle = Statistics.percentile(sorted: border.filter(\.isFinite).sorted(), 50)
      let below = body.partitioningIndex { $0 >= middle }
      let atOrBelow = body.partitioningIndex { $0 > middle }
      borderRank = (Double(below) + Double(atOrBelow - below) / 2) / Double(max(1, body.count))
    } else {
      borderRank = nil
    }
    if octants != nil {
      let median = quantiles[6]
      var perOctant = Array(repeating: [Double](), count: 8)
      for (value, octant) in pairs where value > median { perOctant[Int(octant & 7)].append(value) }
      let upper = values.filter { $0 > median }
      let medians = perOctant.filter { $0.count >= 50 }.map { Statistics.percentile(sorted: $0.sorted(), 50) }
      // Relative to the brighter voxels' height above the 1st percentile, not to their value: a multiplicative
      // field scales that height, and in CT the brighter voxels sit near 0 HU, where a ratio to the value explodes.
      if medians.count >= 4, let whole = upper.isEmpty ? nil : Statistics.percentile(sorted: upper, 50),
        whole - quantiles[1] > 0
      {
        bias = (medians.max()! - medians.min()!) / (whole - quantiles[1])
      } else {
        bias = nil
      }
    } else {
      bias = nil
    }
  }

  /// From a voxel scan's sample, octants, neighbour differences and border values.
  public init?(_ scan: VoxelSummary) {
    self.init(sample: scan.sample, octants: scan.octants, differences: scan.differences, border: scan.border)
  }

  /// 1st to 99th percentile.
  var robustRange: Double { quantiles[11] - quantiles[1] }
}

extension Array where Element == Double {
  /// The first index whose element satisfies `predicate`, for a sorted array and a predicate false then true.
  func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
    var low = 0, high = count
    while low < high {
      let mid = (low + high) / 2
      if predicate(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
