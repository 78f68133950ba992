import Foundation
import HarmonizeVolume

extension CaseChecks {
  /// Voxels of each channel (read once, `CaseFacts.pixels`): NaN and Inf, intensities against the training statistics.
  func checkPixels(into out: inout [Finding]) {
    // Training profiles per case (a harmonize fingerprint with pixels) score each channel against the training's own
    // variation and name a cause; without them, the coarse range checks.
    let references = shiftReferences
    for channel in files.channelIndices {
      guard let result = facts.pixels[channel] else { continue }
      let path = files.channels[channel]!
      let name = PathText.name(path)
      let pixels: CaseFacts.ChannelPixels
      switch result {
      case .failure(let error):
        out.append(Finding(.error, "read", "pixels cannot be read: \(error.detail)", measured: path))
        continue
      case .success(let read): pixels = read
      }
      if pixels.nanCount > 0 || pixels.infinityCount > 0 {
        out.append(
          Finding(
            .error, "non-finite",
            "\(name) holds \(pixels.nanCount) NaN and \(pixels.infinityCount) infinite values: \(nonFiniteConsequence(path))",
            measured: "\(pixels.nanCount) NaN, \(pixels.infinityCount) Inf", expected: "finite values",
            fix: "replace the non-finite voxels (e.g. with the background value) before prediction"))
      }
      if let profile = pixels.profile, references[channel] != nil {
        checkShift(channel: channel, name: name, profile, references, into: &out)
      } else if let stats = pixels.statistics {
        checkIntensity(channel: channel, name: name, stats, into: &out)
      }
    }
  }

  /// The training's intensity profiles per channel, when the fingerprint holds them for at least 3 cases.
  var shiftReferences: [Int: IntensityShift.Reference] {
    let fingerprint = reference.fingerprint
    var result: [Int: IntensityShift.Reference] = [:]
    for channel in fingerprint.channelNames.indices {
      let profiles = fingerprint.cases.compactMap { record in
        record.intensity.flatMap { channel < $0.count ? $0[channel] : nil }
      }
      result[channel] = IntensityShift.Reference(name: fingerprint.channelNames[channel], profiles: profiles)
    }
    return result
  }

  /// A channel's intensity distribution against the training cases' (`IntensityShift`): a warning naming the likely
  /// cause, with the score.
  func checkShift(
    channel: Int, name: String, _ profile: IntensityProfile, _ references: [Int: IntensityShift.Reference],
    into out: inout [Finding]
  ) {
    guard let shift = IntensityShift.assess(profile, channel: channel, references: references) else {
      return
    }
    let q = profile.quantiles
    let reference = references[channel]!
    var finding = Finding(
      .warning, "intensity-shift", "\(name): \(shift.explanation)",
      measured:
        "score \(formatSignificant(shift.score)); 1/50/99%: \(formatSignificant(q[1])), \(formatSignificant(q[6])), \(formatSignificant(q[11]))",
      expected:
        "score under \(formatNumber(IntensityShift.warnAt)); training channel \(channel) (\(reference.name)) 1/50/99%: \(formatSignificant(reference.medians[1])), \(formatSignificant(reference.medians[6])), \(formatSignificant(reference.medians[11]))",
      fix: shift.fix)
    finding.score = shift.score
    finding.cause = shift.cause.rawValue
    out.append(finding)
  }

  /// What nnU-Net does with NaN in this file, by its reader and the file's format (measured with nnunetv2 2.8.1 and
  /// SimpleITK 2.5): ITK's NIfTI reader, under SimpleITKIO (nnU-Net's default), returns NaN as 0, so the case is
  /// predicted with zeros there; NRRD and MetaImage through SimpleITK, and NIfTI through NibabelIO, keep NaN, and the
  /// normalization then makes every voxel of the case NaN. Its integrity check rejects NaN in training data only.
  func nonFiniteConsequence(_ path: String) -> String {
    let reader = reference.plans?.imageReaderWriter ?? "SimpleITKIO"
    let nifti = ImageFormat(path: path)?.family == "NIfTI"
    if nifti && !reader.hasPrefix("Nibabel") {
      return
        "nnU-Net's reader (\(reader): ITK's NIfTI reader) reads NaN as 0, so the case is predicted on zeros there without a word; infinite values pass into its normalization and make every voxel NaN"
    }
    return
      "nnU-Net's reader (\(reader)) keeps them, and its normalization then makes every voxel of the case NaN (a meaningless prediction); its integrity check rejects NaN in training data only"
  }

  /// A channel's intensities against training. With whole-image training statistics (a harmonize fingerprint):
  /// robust ranges (0.5-99.5 percentiles) that do not overlap, or a spread 10x larger or smaller. With foreground
  /// statistics only (nnU-Net's): the input's full range misses the training foreground's robust range. For both:
  /// training with negative values (CT in HU) but an input without any, the missing -1024 intercept.
  func checkIntensity(channel: Int, name: String, _ input: IntensityStatistics, into out: inout [Finding]) {
    guard channel < reference.fingerprint.intensity.count else { return }
    let trained = reference.fingerprint.intensity[channel]
    let measured =
      "0.5–99.5%: \(formatNumber(rounded(input.percentile_00_5)))–\(formatNumber(rounded(input.percentile_99_5))), min \(formatNumber(rounded(input.min))), max \(formatNumber(rounded(input.max)))"
    if let image = trained.image {
      let expected =
        "0.5–99.5%: \(formatNumber(rounded(image.percentile_00_5)))–\(formatNumber(rounded(image.percentile_99_5))), min \(formatNumber(rounded(image.min))), max \(formatNumber(rounded(image.max))) (training, \(trained.name))"
      let inputSpread = input.percentile_99_5 - input.percentile_00_5
      let trainedSpread = image.percentile_99_5 - image.percentile_00_5
      if input.percentile_99_5 < image.percentile_00_5 || input.percentile_00_5 > image.percentile_99_5 {
        out.append(
          Finding(
            .warning, "intensity",
            "\(name): the intensity range does not overlap the training range of channel \(channel) (\(trained.name)): another unit, offset or channel order?",
            measured: measured, expected: expected))
      } else if trainedSpread > 0 && inputSpread > 0
        && (inputSpread / trainedSpread > 10 || trainedSpread / inputSpread > 10)
      {
        out.append(
          Finding(
            .warning, "intensity",
            "\(name): the intensity spread is \(formatNumber(rounded(inputSpread / trainedSpread)))x the training spread of channel \(channel) (\(trained.name)): rescaled or normalized differently?",
            measured: measured, expected: expected))
      }
    } else if let fg = trained.foreground, input.max < fg.percentile_00_5 || input.min > fg.percentile_99_5 {
      out.append(
        Finding(
          .warning, "intensity",
          "\(name): no voxel lies in the training foreground's intensity range of channel \(channel) (\(trained.name))",
          measured: measured,
          expected:
            "foreground 0.5–99.5%: \(formatNumber(rounded(fg.percentile_00_5)))–\(formatNumber(rounded(fg.percentile_99_5)))"
        ))
    }
    let trainedLow = trained.image?.min ?? trained.foreground?.percentile_00_5
    if let trainedLow, trainedLow < -500, input.min >= 0 {
      out.append(
        Finding(
          .warning, "intensity",
          "\(name) has no negative values but channel \(channel) (\(trained.name)) reaches \(formatNumber(rounded(trainedLow))) in training: CT stored without its -1024 rescale intercept? nnU-Net's CT normalization would clip it silently",
          measured: "min \(formatNumber(rounded(input.min)))",
          expected: "values down to \(formatNumber(rounded(trainedLow))) (Hounsfield units)",
          fix: "store the image in HU (apply the DICOM rescale slope/intercept, usually -1024)"))
    }
  }

  /// The case's label file: same grid as the images, values from the dataset's labels, integers only.
  func checkLabelFile(into out: inout [Finding]) {
    guard let label = facts.label else {
      if options.labelsFolder != nil {
        out.append(
          Finding(.warning, "labels", "no label file \(files.id)\(files.fileEnding) in \(options.labelsFolder!)"))
      }
      return
    }
    let path = label.path
    let name = PathText.name(path)
    let header: ImageHeader
    switch label.header {
    case .failure(let error):
      out.append(Finding(.error, "read", "label file cannot be read: \(error.detail)", measured: path))
      return
    case .success(let read): header = read
    }
    if let image = primary?.geometry {
      let g = header.geometry
      if g.size != image.size || !close(g.spacing, image.spacing, 1e-5) {
        out.append(
          Finding(
            .error, "label-geometry",
            "\(name) has another size or spacing than the image: nnU-Net raises \"Shape mismatch\"/\"Spacing mismatch\"",
            measured: "\(formatList(g.size)) at \(formatList(g.spacing)) mm",
            expected: "\(formatList(image.size)) at \(formatList(image.spacing)) mm",
            fix: "harmonize resample \(quote(path)) OUT --like \(quote(files.paths[0])) --interpolation nearest"))
      } else if !close(g.origin, image.origin, 1e-3 * (image.spacing.max() ?? 1))
        || !close(g.direction, image.direction, 1e-4)
      {
        out.append(
          Finding(
            .warning, "label-geometry",
            "\(name) has another origin or direction than the image: nnU-Net only warns (\"Affine mismatch\"), the label is misplaced in space",
            measured: "origin \(formatList(g.origin))", expected: "origin \(formatList(image.origin))",
            fix: "harmonize resample \(quote(path)) OUT --like \(quote(files.paths[0])) --interpolation nearest"))
      }
    }
    let summary: LabelSummary
    switch label.summary {
    case nil: return  // headers only
    case .failure(let error)?:
      out.append(Finding(.error, "read", "label pixels cannot be read: \(error.detail)", measured: path))
      return
    case .success(let read)?: summary = read
    }
    if summary.nonIntegerCount > 0 {
      out.append(
        Finding(
          .error, "labels",
          "\(name) holds \(summary.nonIntegerCount) non-integer values (e.g. \(summary.nonIntegerExamples.map { formatNumber($0) }.joined(separator: ", "))): a segmentation resampled with linear interpolation?",
          measured: "\(summary.nonIntegerCount) non-integer voxels", expected: "integer labels",
          fix: "resample labels with --interpolation nearest or label"))
    }
    if let allowed = reference.allowedLabels {
      let unexpected = summary.values.filter { !allowed.contains($0) }
      if !unexpected.isEmpty {
        out.append(
          Finding(
            .error, "labels",
            "\(name) holds label values that dataset.json does not define: nnU-Net raises \"Unexpected labels found\"",
            measured: formatList(summary.values), expected: formatList(allowed)))
      }
    }
  }
}
