import Foundation
import HarmonizeVolume

/// How far one image's intensities lie from a training channel's cases, and the likely cause.
///
/// Score: each of the 13 percentiles of `IntensityProfile.levels` as a robust z-score against the training cases'
/// same percentile (median, and 1.4826 x median absolute deviation, at least 2% of the training's typical 1-99%
/// range), and the median of their absolute values over the 5-95% levels. A training case scores about 1 against the
/// others; `warnAt` and above is a warning. The cause is the first that fits (`IntensityShift.Cause`).
public struct IntensityShift: Sendable, Equatable {
  /// Scores at or above this warn.
  public static let warnAt = 4.0
  /// A correction (offset, rescale, inversion) explains a case when the corrected case scores under this.
  public static let fitsWithin = 2.0
  /// Noise and bias-field measures warn this many robust spreads above the training's median.
  public static let noiseAt = 6.0
  public static let biasAt = 3.5

  public enum Cause: String, Sendable, Codable {
    case offset, scale, inverted, swapped, clipped, modality, noise, bias
  }

  public var score: Double
  public var cause: Cause
  /// One sentence: what was measured and the likely cause.
  public var explanation: String
  public var fix: String?

  /// The training cases' distribution of one channel: per-level medians and spreads.
  public struct Reference: Sendable {
    public var name: String
    let medians: [Double]
    let spreads: [Double]
    let typicalRange: Double
    let noiseMedian: Double?
    let noiseSpread: Double?
    let biasMedian: Double?
    let biasSpread: Double?
    let atMaximum: Double
    let atMinimum: Double
    let borderMedian: Double?
    /// Every training case has a uniform background (one value holding 20% of the voxels).
    let uniformBackground: Bool
    /// The training cases' median background value, when every case has one.
    let backgroundValue: Double?

    /// nil with fewer than 3 profiles: no case-to-case variation to measure against.
    public init?(name: String, profiles: [IntensityProfile]) {
      guard profiles.count >= 3 else { return nil }
      self.name = name
      let levels = IntensityProfile.levels.indices
      let typicalRange = max(median(profiles.map(\.robustRange)), 1e-9)
      self.typicalRange = typicalRange
      medians = levels.map { l in median(profiles.map { $0.quantiles[l] }) }
      spreads = levels.map { l in
        max(1.4826 * medianAbsoluteDeviation(profiles.map { $0.quantiles[l] }), 0.02 * typicalRange)
      }
      let noises = profiles.compactMap(\.noise)
      noiseMedian = noises.count >= 3 ? median(noises) : nil
      noiseSpread = noiseMedian.map { max(1.4826 * medianAbsoluteDeviation(noises), 0.15 * $0, 1e-6) }
      let biases = profiles.compactMap(\.bias)
      biasMedian = biases.count >= 3 ? median(biases) : nil
      biasSpread = biasMedian.map { max(1.4826 * medianAbsoluteDeviation(biases), 0.25 * $0, 0.03) }
      uniformBackground = profiles.allSatisfy { $0.background != nil }
      backgroundValue = uniformBackground ? median(profiles.compactMap(\.background)) : nil
      let borders = profiles.compactMap(\.borderRank)
      borderMedian = borders.count >= 3 ? median(borders) : nil
      atMaximum = profiles.map(\.atMaximum).max() ?? 0
      atMinimum = profiles.map(\.atMinimum).max() ?? 0
    }

    /// Median robust |z| over the 5-95% levels.
    func score(_ quantiles: [Double]) -> Double {
      median((3...9).map { abs(quantiles[$0] - medians[$0]) / spreads[$0] })
    }

    /// Mean robust |z| over the 1-99% levels: how well a corrected case fits everywhere, not only at the levels
    /// the median picks (an offset that moves only the air of a rescaled CT back fits half of them).
    func deviation(_ quantiles: [Double]) -> Double {
      (1...11).map { abs(quantiles[$0] - medians[$0]) / spreads[$0] }.reduce(0, +) / 11
    }

    /// Whether the training looks like CT in Hounsfield units (air near -1000 in most cases).
    var looksLikeCT: Bool { medians[1] <= -500 && medians[1] >= -1100 && medians[11] > -200 }
    /// Whether the training cases reach air-like values (-500 or below) at their 1st percentile.
    var hasAir: Bool { medians[1] <= -500 }
  }

  /// Scores `profile` (channel `channel` of a prediction case) against the training's channels; nil when there is
  /// no usable reference for that channel or nothing is unusual.
  public static func assess(
    _ profile: IntensityProfile, channel: Int, references: [Int: Reference]
  ) -> IntensityShift? {
    guard let reference = references[channel] else { return nil }
    let q = profile.quantiles
    let score = reference.score(q)
    let medianText = "median \(formatSignificant(q[6])) (training \(formatSignificant(reference.medians[6])))"

    let m = reference.medians
    let levels = q.indices
    // Inverted: the image's border moved from its place in the training's distribution to the mirrored place (dark
    // to bright, or back), or the case's percentiles are the training's reversed, mirrored about some value.
    let reversed = Array(q.reversed())
    let centre = median(levels.map { m[$0] + reversed[$0] })
    let mirroredBorder = profile.borderRank.flatMap { rank in
      reference.borderMedian.map { trained in abs(rank - trained) >= 0.25 && abs(rank - (1 - trained)) < 0.1 }
    }
    if mirroredBorder
      ?? (score >= warnAt && reference.score(reversed.map { centre - $0 }) < fitsWithin)
    {
      return IntensityShift(
        score: max(score, warnAt), cause: .inverted,
        explanation:
          "the image's border lies at the \(formatPercent(profile.borderRank ?? 0)) point of its intensities, \(formatPercent(reference.borderMedian ?? 0)) in training (\(medianText)): inverted intensities (MONOCHROME1 shown as stored, a negated image)?",
        fix: "invert the image back (max + min - value)")
    }
    let corrections = Corrections(q, reference: reference, profile: profile)
    // Another modality: air-like values (-500 or below at the 1st percentile) in the case and not in training, or
    // the reverse, that neither an offset nor a rescale explains (a +1024 CT has no air either).
    if score >= warnAt && (q[1] <= -500) != reference.hasAir && !corrections.explains {
      return modality(q, score: score, channel: channel, reference: reference, medianText: medianText)
    }
    // Noise over the whole image: the uniform background every training case has is gone, and the border is no
    // longer the darkest part of the image.
    if reference.uniformBackground && profile.background == nil && score >= warnAt / 2,
      let rank = profile.borderRank, let trained = reference.borderMedian, rank - trained >= 0.15
    {
      return IntensityShift(
        score: max(score, warnAt), cause: .noise,
        explanation:
          "every training image has a uniform background and this one has none; its border lies at the \(formatPercent(rank)) point of its intensities (\(formatPercent(trained)) in training): noise over the whole image (another reconstruction, no masking, added noise)",
        fix: nil)
    }
    // Heavy noise: fine-grained variation far above training, relative to contrast (an offset or a rescale leaves it).
    if let noise = profile.noise, let center = reference.noiseMedian, let s = reference.noiseSpread,
      (noise - center) / s >= noiseAt, noise >= 3 * center
    {
      return IntensityShift(
        score: max(score, (noise - center) / s), cause: .noise,
        explanation:
          "neighbouring voxels differ by \(formatPercent(noise)) of the 1-99% range (75th percentile), \(formatPercent(center)) in training: heavy noise (low dose, another reconstruction kernel, no denoising)",
        fix: nil)
    }
    if score >= warnAt {
      // Another channel of the training fits: channels swapped.
      let others = references.filter { $0.key != channel }.map {
        (channel: $0.key, name: $0.value.name, score: $0.value.score(q))
      }
      // It fits another channel, or fits it far better than its own (that channel's training may itself vary less
      // than this case's does from it).
      if let other = others.min(by: { $0.score < $1.score }), other.score < max(warnAt, score / 8) {
        return IntensityShift(
          score: score, cause: .swapped,
          explanation:
            "channel \(channel) (\(reference.name)) looks like training channel \(other.channel) (\(other.name)): score \(formatSignificant(other.score)) against it, \(formatSignificant(score)) against its own: channels swapped or misnamed?",
          fix: "name the files so that _\(String(format: "%04d", other.channel)) is the \(other.name) image")
      }
      let offset = corrections.offset, a = corrections.scale, b = corrections.intercept
      if corrections.isOffset {
        let intercept = abs(abs(offset) - 1024) < 150 || abs(abs(offset) - 1000) < 150
        return IntensityShift(
          score: score, cause: .offset,
          explanation:
            "every percentile lies \(offset > 0 ? "+" : "")\(formatSignificant(offset)) from training (\(medianText))"
            + (intercept
              ? ": the rescale intercept is \(offset > 0 ? "missing" : "applied twice") (CT stored without its -1024, or with it twice)"
              : ": a constant offset (another intercept or unit origin)"),
          fix: intercept
            ? "apply the DICOM rescale slope/intercept once (Hounsfield units), as the training images were" : nil)
      }
      if corrections.scaleFit < fitsWithin {
        return IntensityShift(
          score: score, cause: .scale,
          explanation:
            "the intensities are about \(formatSignificant(a)) x training\(abs(b) > 0.05 * reference.typicalRange * a ? " \(b > 0 ? "+" : "-") \(formatSignificant(abs(b)))" : "") (\(medianText)): another unit or a vendor's rescaling",
          fix: "rescale to the training's units (undo the vendor's scale slope), or normalize as the training was")
      }
    }
    // Clipped or saturated: voxels piled at the top (or bottom) far beyond any training case.
    if profile.atMaximum >= 0.01 && profile.atMaximum > 4 * max(reference.atMaximum, 0.002) {
      return IntensityShift(
        score: max(score, warnAt), cause: .clipped,
        explanation:
          "\(formatPercent(profile.atMaximum)) of the voxels sit at the maximum \(formatSignificant(q[12])) (training at most \(formatPercent(reference.atMaximum))): the range was clipped or saturated (a display window, an 8/12-bit export)",
        fix: "export the original intensities, not a windowed or saturated copy")
    }
    if profile.atMinimum >= 0.05 && profile.atMinimum > 4 * max(reference.atMinimum, 0.01) && score >= warnAt / 2 {
      return IntensityShift(
        score: max(score, warnAt), cause: .clipped,
        explanation:
          "\(formatPercent(profile.atMinimum)) of the voxels sit at the minimum \(formatSignificant(q[0])) (training at most \(formatPercent(reference.atMinimum))): the range was clipped from below",
        fix: "export the original intensities, not a windowed copy")
    }
    // Bias field: the brighter half of the voxels varies from octant to octant far more than in training. An MR
    // artefact: CT has no multiplicative field, and the brighter half of a CT is air and tissue or bone by turns,
    // depending on how much of each octant the body fills.
    if !reference.hasAir, let bias = profile.bias, let center = reference.biasMedian, let s = reference.biasSpread,
      (bias - center) / s >= biasAt, bias >= center + 0.08
    {
      return IntensityShift(
        score: max(score, (bias - center) / s), cause: .bias,
        explanation:
          "the brighter voxels' median varies by \(formatPercent(bias)) between the image's octants, \(formatPercent(center)) in training: a strong bias field (intensity inhomogeneity)",
        fix: "correct the bias field (e.g. N4) as the training images were, or not at all if they were not")
    }
    guard score >= warnAt else { return nil }
    // Nothing simple explains it: another modality, sequence or protocol.
    return modality(q, score: score, channel: channel, reference: reference, medianText: medianText)
  }

  private static func modality(
    _ q: [Double], score: Double, channel: Int, reference: Reference, medianText: String
  ) -> IntensityShift {
    let m = reference.medians
    var explanation =
      "the intensities are unlike every training case of channel \(channel) (\(reference.name)) and no offset, rescale, inversion, clipping, noise or bias explains them (\(medianText))"
    if reference.hasAir && q[1] > -300 {
      explanation += "; training was CT (1% at \(formatSignificant(m[1])) HU) but this image has no air-like values"
    } else if !reference.hasAir && q[1] <= -500 {
      explanation +=
        "; this image reaches \(formatSignificant(q[1])) at its 1st percentile, like a CT in Hounsfield units"
    }
    return IntensityShift(
      score: score, cause: .modality, explanation: explanation + ": another modality, sequence or protocol?", fix: nil)
  }
}

func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return 0 }
  return Statistics.percentile(sorted: values.sorted(), 50)
}

func medianAbsoluteDeviation(_ values: [Double]) -> Double {
  let m = median(values)
  return median(values.map { abs($0 - m) })
}
