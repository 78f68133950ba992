import Foundation

extension IntensityShift {
  /// The two simple corrections that can bring a case's percentiles `q` back among a training channel's cases: a
  /// constant offset (q = m + offset) and a rescale (q = a m + b), each fitted, and how well each fits.
  ///
  /// With a uniform background in training and in the case, the models map one onto the other (an offset moves it, a
  /// rescale scales about it); otherwise they are fitted freely to the percentiles.
  struct Corrections {
    let offset: Double
    let scale: Double
    let intercept: Double
    /// The corrected case's score (median robust |z| over the 5-95% levels).
    let offsetFit: Double
    let scaleFit: Double
    /// The corrected case's mean robust |z| over the 1-99% levels: which model fits everywhere.
    let offsetDeviation: Double
    let scaleDeviation: Double
    /// The background moved by much of the range and the shifted case sits among the training cases.
    let backgroundMoved: Bool

    init(_ q: [Double], reference: Reference, profile: IntensityProfile) {
      let m = reference.medians
      let levels = q.indices
      let anchor = reference.backgroundValue.flatMap { t in profile.background.map { (trained: t, found: $0) } }
      let offset = anchor.map { $0.found - $0.trained } ?? median(levels.map { q[$0] - m[$0] })
      self.offset = offset
      let shifted = q.map { $0 - offset }
      let offsetFit = reference.score(shifted)
      self.offsetFit = offsetFit
      offsetDeviation = reference.deviation(shifted)
      let a: Double, b: Double
      if let anchor {
        let usable = levels.filter { abs(m[$0] - anchor.trained) > 0.1 * reference.typicalRange }
        a = usable.isEmpty ? 0 : median(usable.map { (q[$0] - anchor.found) / (m[$0] - anchor.trained) })
        b = anchor.found - a * anchor.trained
      } else {
        let trainedRange = m[11] - m[1]
        a = trainedRange > 0 ? (q[11] - q[1]) / trainedRange : 0
        b = median(levels.map { q[$0] - a * m[$0] })
      }
      scale = a
      intercept = b
      if a > 0 && abs(a - 1) > 0.1 {
        let rescaled = q.map { ($0 - b) / a }
        scaleFit = reference.score(rescaled)
        scaleDeviation = reference.deviation(rescaled)
      } else {
        scaleFit = .infinity
        scaleDeviation = .infinity
      }
      backgroundMoved =
        anchor != nil && abs(offset) >= 0.25 * reference.typicalRange && offsetFit < warnAt
    }

    /// An offset explains the case: its background moved and it fits, or it fits at least as well as a rescale
    /// over the whole range.
    var isOffset: Bool {
      backgroundMoved || (offsetFit < fitsWithin && offsetDeviation <= scaleDeviation + 0.5)
    }

    /// An offset or a rescale explains the case.
    var explains: Bool { isOffset || scaleFit < fitsWithin }
  }
}
