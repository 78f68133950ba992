import Foundation

/// Training cases that are outliers of their own set by `IntensityShift`'s score: each case's channels scored
/// against the other cases (leave one out) — a mislabelled channel, a CT among MRs, a case exported without its
/// rescale intercept.
public enum TrainingOutliers {
  public struct Outlier: Sendable, Equatable {
    public var caseID: String
    public var channel: Int
    public var shift: IntensityShift
  }

  /// Outliers, highest score first; none when fewer than 4 cases hold profiles.
  public static func find(in fingerprint: DatasetFingerprint) -> [Outlier] {
    let cases = fingerprint.cases.filter { $0.intensity != nil }
    guard cases.count >= 4 else { return [] }
    var found: [Outlier] = []
    for (index, record) in cases.enumerated() {
      var references: [Int: IntensityShift.Reference] = [:]
      for channel in fingerprint.channelNames.indices {
        let others = cases.enumerated().compactMap { other -> IntensityProfile? in
          guard other.offset != index, let profiles = other.element.intensity, channel < profiles.count else {
            return nil
          }
          return profiles[channel]
        }
        references[channel] = IntensityShift.Reference(name: fingerprint.channelNames[channel], profiles: others)
      }
      for (channel, profile) in (record.intensity ?? []).enumerated() {
        guard let profile,
          let shift = IntensityShift.assess(profile, channel: channel, references: references)
        else { continue }
        found.append(Outlier(caseID: record.id, channel: channel, shift: shift))
      }
    }
    return found.sorted { $0.shift.score > $1.shift.score }
  }
}
