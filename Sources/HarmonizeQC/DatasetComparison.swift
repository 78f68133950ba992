import HarmonizeCheck
import HarmonizeVolume

/// Flags a case whose label lies somewhere else, or covers other intensities, than the same label in the other
/// cases: a label mirrored left-right, one paired with another case's image, a flipped axis. Needs the label in at
/// least `minimumCases` cases; the reference is the median over all of them.
public enum DatasetComparison {
  public static let minimumCases = 4
  /// A centroid further than this fraction of the image's extent from the median, along L, P or S, is flagged.
  public static let positionLimit = 0.2
  /// A mean intensity under the label further than this many robust spreads from the median is flagged.
  public static let intensityLimit = 4.0

  public static func flag(_ results: inout [QCCaseResult]) {
    let labels = Set(results.flatMap { $0.positions.keys })
    let widths = results.compactMap(\.windowWidth)
    let typicalWidth = median(widths) ?? 1
    for label in labels.sorted() {
      let holders = results.indices.filter { results[$0].positions[label] != nil }
      guard holders.count >= minimumCases else { continue }
      let axisNames = ["left-right", "anterior-posterior", "inferior-superior"]
      let medians = (0..<3).map { axis in median(holders.map { results[$0].positions[label]![axis] })! }
      let means = holders.compactMap { results[$0].intensities[label] }
      let meanMedian = median(means)
      let spread = meanMedian.map { m in
        max(1.4826 * (median(means.map { abs($0 - m) }) ?? 0), 0.05 * typicalWidth, 1e-6)
      }
      for index in holders {
        var messages: [String] = []
        let position = results[index].positions[label]!
        for axis in 0..<3 where abs(position[axis] - medians[axis]) > positionLimit {
          messages.append(
            "its centre lies at \(formatPercent(position[axis])) of the image \(axisNames[axis]), \(formatPercent(medians[axis])) in the other cases"
          )
        }
        if let m = meanMedian, let s = spread, let mean = results[index].intensities[label],
          abs(mean - m) > intensityLimit * s
        {
          messages.append(
            "it covers intensities averaging \(formatSignificant(mean)), \(formatSignificant(m)) in the other cases")
        }
        guard !messages.isEmpty else { continue }
        results[index].add(
          QCFlag(
            severity: .warning, label: label,
            message: "label \(label): \(messages.joined(separator: "; ")) (mirrored, shifted, or from another case?)"))
      }
    }
  }

  /// numpy's median (`Statistics.percentile` at 50); nil for no values.
  static func median(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : Statistics.percentile(sorted: values.sorted(), 50)
  }
}
