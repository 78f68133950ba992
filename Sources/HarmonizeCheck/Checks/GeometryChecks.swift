import Foundation
import HarmonizeVolume

extension CaseChecks {
  /// The channels of one case share size and spacing (nnU-Net's readers raise otherwise) and origin and
  /// direction (nnU-Net only warns, but the channels are then misaligned in space).
  func checkChannelGeometry(into out: inout [Finding]) {
    guard let first = primary else { return }
    let g = first.geometry
    for channel in files.channelIndices.dropFirst() {
      guard let other = headers[channel]?.geometry else { continue }
      let name = PathText.name(files.channels[channel]!)
      if other.size != g.size || !close(other.spacing, g.spacing, 1e-5) {
        out.append(
          Finding(
            .error, "channel-geometry",
            "\(name) differs from channel 0 in size or spacing: nnU-Net's reader raises \"Not all input images have the same shape/spacing\"",
            measured: "\(formatList(other.size)) at \(formatList(other.spacing)) mm",
            expected: "\(formatList(g.size)) at \(formatList(g.spacing)) mm",
            fix:
              "harmonize resample \(quote(files.channels[channel]!)) OUT --like \(quote(files.channels[files.channelIndices[0]]!))"
          ))
      } else if !close(other.origin, g.origin, 1e-3 * (g.spacing.max() ?? 1))
        || !close(other.direction, g.direction, 1e-4)
      {
        out.append(
          Finding(
            .warning, "channel-geometry",
            "\(name) has the same grid size but another origin or direction than channel 0: nnU-Net only warns and stacks the arrays, so the channels are misaligned in space",
            measured: "origin \(formatList(other.origin)), direction \(formatList(other.direction))",
            expected: "origin \(formatList(g.origin)), direction \(formatList(g.direction))",
            fix:
              "harmonize resample \(quote(files.channels[channel]!)) OUT --like \(quote(files.channels[files.channelIndices[0]]!))"
          ))
      }
    }
  }

  /// A NIfTI file whose qform and sform disagree is placed differently by ITK-based tools (SimpleITK, nnU-Net's
  /// SimpleITKIO, harmonize) and by nibabel or FSL: the label and image may have been made with the other one.
  func checkNiftiTransforms(into out: inout [Finding]) {
    for channel in files.channelIndices {
      guard let path = files.channels[channel], let header = headers[channel],
        let warning = ImageFile.transformWarning(for: path, header: header)
      else { continue }
      out.append(
        Finding(
          .warning, "nifti-transform", "\(PathText.name(path)): \(warning)",
          measured: "qform and sform differ", expected: "one placement",
          fix:
            "harmonize resample \(quote(path)) OUT --like \(quote(path)) --nifti-transform sform (or qform): writes both transforms as one"
        ))
    }
  }

  /// 2D against 3D, and multi-component (vector, RGB) files against scalar training images.
  func checkDimensionAndComponents(into out: inout [Finding]) {
    guard let first = primary else { return }
    let spatial = min(first.geometry.dimension, 3)
    let trained = reference.fingerprint.dimensions.filter { $0.value > 0 }.keys.sorted()
    if !trained.isEmpty && !trained.contains(String(spatial)) {
      out.append(
        Finding(
          .error, "dimension",
          "a \(spatial)D image, but the model was trained on \(trained.joined(separator: "/"))D images",
          measured: "\(first.geometry.dimension) axes \(formatList(first.geometry.size))",
          expected: "\(trained.joined(separator: "/"))D"))
    }
    if first.geometry.dimension == 4 && first.geometry.size[3] > 1 {
      out.append(
        Finding(
          .error, "dimension", "a 4D image: nnU-Net expects one 3D file per channel (CASE_0000, CASE_0001, ...)",
          measured: formatList(first.geometry.size), expected: "3 axes, one file per channel"))
    }
    let trainedComponents = Set((reference.fingerprint.components ?? ["1": 1]).keys)
    for channel in files.channelIndices {
      guard let header = headers[channel], !trainedComponents.contains(String(header.components)) else { continue }
      out.append(
        Finding(
          .error, "components",
          "\(PathText.name(files.channels[channel]!)) has \(header.components) components per voxel; the training images have \(trainedComponents.sorted().joined(separator: "/")): nnU-Net would see a different number of channels",
          measured: "\(header.components)", expected: trainedComponents.sorted().joined(separator: "/")))
    }
  }

  /// The pixel type of each channel against the types the training images of that channel had.
  func checkPixelTypes(into out: inout [Finding]) {
    guard let trained = reference.fingerprint.pixelTypes else { return }
    for channel in files.channelIndices where channel < trained.count && !trained[channel].isEmpty {
      guard let header = headers[channel], trained[channel][header.pixelType.rawValue] == nil else { continue }
      let types = trained[channel].keys.sorted()
      let kindChanged = types.allSatisfy { PixelType(rawValue: $0)?.isInteger != header.pixelType.isInteger }
      out.append(
        Finding(
          .warning, "pixel-type",
          "channel \(channel) is \(header.pixelType.rawValue) but was \(types.joined(separator: "/")) in training\(kindChanged ? " (integer vs float: probably another export or preprocessing)" : ""); nnU-Net reads everything as float32, so check the intensities",
          measured: header.pixelType.rawValue, expected: types.joined(separator: "/")))
    }
  }

  /// The axis order (orientation code with flips ignored) against the training set's: a permutation is predicted
  /// wrongly by nnU-Net's default readers; a flip is tolerated by its mirroring augmentation.
  func checkOrientation(into out: inout [Finding]) {
    guard let first = primary, let orientations = reference.fingerprint.orientations, !orientations.isEmpty,
      let dominant = reference.fingerprint.dominantOrientation
    else { return }
    let code = first.axisCodes
    let order = axisOrder(code)
    let trainedOrders = reference.fingerprint.axisOrders
    let fix = commands(into: "reoriented") { "harmonize reorient \(quote($0)) \(quote($1)) --to \(dominant)" }
    if !trainedOrders.contains(order) {
      let reorients = reference.plans?.readerReorients ?? false
      out.append(
        Finding(
          reorients ? .note : .error, "orientation",
          reorients
            ? "axis order differs from training, but the model's reader (\(reference.plans!.imageReaderWriter)) reorients every image"
            : "the voxel axes are permuted relative to the training images (\(code), axis order \(order); training \(orientations.keys.sorted().joined(separator: "/"))): nnU-Net ignores orientation, would resample each stored axis to the plan spacing of another axis, and predict this case in the wrong orientation",
          measured: "\(code) (RAS+ codes, axis order \(order))",
          expected: "\(dominant) (axis order \(axisOrder(dominant)))",
          fix: reorients ? nil : fix))
    } else if orientations[code] == nil {
      out.append(
        Finding(
          .note, "orientation",
          "axes flipped relative to the training images (\(code) vs \(dominant)); nnU-Net's mirroring augmentation tolerates flips, reorienting removes the doubt",
          measured: code, expected: orientations.keys.sorted().joined(separator: "/"), fix: fix))
    }
  }

  /// The size per axis against the training range (raw sizes, or sizes after nnU-Net's crop).
  func checkSize(into out: inout [Finding]) {
    guard let first = primary else { return }
    let stats = reference.fingerprint.size ?? reference.fingerprint.sizeAfterCrop
    guard let stats, stats.count == min(first.geometry.dimension, 3) else { return }
    let size = inTrainingAxisOrder(Array(first.geometry.size.prefix(stats.count)))
    let outside = (0..<stats.count).filter { Double(size[$0]) < stats[$0].min || Double(size[$0]) > stats[$0].max }
    guard !outside.isEmpty else { return }
    let range = stats.map { "\(formatNumber($0.min))–\(formatNumber($0.max))" }.joined(separator: ", ")
    out.append(
      Finding(
        .note, "size",
        "size outside the training range on axis \(outside.map(String.init).joined(separator: ", "))\(reference.fingerprint.size == nil ? " (training sizes are after nnU-Net's crop)" : "")",
        measured: formatList(size), expected: "(\(range))"))
  }

  /// Per-axis values (ITK order) permuted from this case's voxel axes into the training images' axis order, so
  /// that a permuted case is compared axis by axis with what its axes will be once reoriented; unchanged when
  /// the orders agree or either is unknown.
  func inTrainingAxisOrder<T>(_ values: [T]) -> [T] {
    guard let code = primary?.axisCodes, let dominant = reference.fingerprint.dominantOrientation,
      values.count == 3, code.count == 3, dominant.count == 3
    else { return values }
    let mine = Array(axisOrder(code)), theirs = Array(axisOrder(dominant))
    guard mine != theirs, Set(mine) == Set(theirs) else { return values }
    return theirs.map { letter in values[mine.firstIndex(of: letter)!] }
  }

  /// One shell line that repairs every channel file into a sibling folder `folder` (kept apart so that nnU-Net
  /// does not see the old and the new file as two cases): `mkdir -p DIR && CMD in1 out1 && CMD in2 out2`.
  func commands(into folder: String, ending: String? = nil, _ command: (String, String) -> String) -> String {
    let parent = PathText.parent(files.paths[0])
    let target = PathText.join(parent, folder)
    // Only the channels the model takes: an extra channel file is to be moved aside (the channels finding), not fixed.
    let kept =
      reference.isNNUNet ? files.channelIndices.filter { $0 < reference.channelNames.count } : files.channelIndices
    let steps = kept.map { files.channels[$0]! }.map { path in
      let name = PathText.name(path)
      // A DICOM series (a folder, FOLDER#SERIES) becomes a NIfTI file named after it.
      if DicomReference(path: path) != nil {
        let stem = name.split(separator: "#").first.map(String.init) ?? name
        let wanted = ending ?? reference.fileEnding ?? ""
        let channel = reference.isNNUNet ? "_0000" : ""
        return command(path, PathText.join(target, stem + channel + (wanted.isEmpty ? ".nii.gz" : wanted)))
      }
      return command(path, PathText.join(target, ending.map { replaceEnding(name, with: $0) } ?? name))
    }
    return (["mkdir -p \(quote(target))"] + steps).joined(separator: " && ")
  }

  /// The training set's dominant orientation when this case's axes are permuted relative to it and the model's reader
  /// does not reorient: every fix that resamples must reorient first (`--orient`), or the spacing lands on the wrong axes.
  var reorientationNeeded: String? {
    guard let first = primary, let dominant = reference.fingerprint.dominantOrientation,
      !(reference.plans?.readerReorients ?? false),
      !reference.fingerprint.axisOrders.contains(axisOrder(first.axisCodes))
    else { return nil }
    return dominant
  }
}

/// Element-wise closeness with an absolute tolerance.
func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}
