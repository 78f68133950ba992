import Foundation
import HarmonizeVolume

/// Computes a `DatasetFingerprint` from a training folder: headers for geometry, pixels for intensities, label
/// values and the non-zero crop (unless `readPixels` is false).
public enum Fingerprinter {
  /// Values pooled per channel over the whole dataset (nnU-Net draws `10e7`); every case contributes the same number
  /// of foreground values (`EqualWeightSample`), as nnU-Net's do.
  public static let totalSampleBudget = 10_000_000

  /// The result of fingerprinting: the fingerprint, and one line for each file that could not be used.
  public struct Result: Sendable {
    public var fingerprint: DatasetFingerprint
    public var problems: [String]
    /// Files that were read but deserve a look (a NIfTI qform and sform that disagree).
    public var warnings: [String] = []
  }

  /// Fingerprints an nnU-Net raw dataset folder (`dataset.json`, `imagesTr/`, optional `labelsTr/`) or a folder
  /// of images (grouped into cases by the `_XXXX` channel suffix when the names carry one).
  /// - Throws: `CheckReferenceError` when the folder holds no usable images or its dataset.json is malformed.
  public static func fingerprint(
    folder: String, readPixels: Bool = true, tool: String
  ) throws(CheckReferenceError) -> Result {
    let layout = try TrainingLayout.locate(folder)
    var problems = layout.ignored.map {
      "\($0): ignored: its ending is not the dataset's file_ending \(layout.dataset?.fileEnding ?? "")"
    }
    let caseBudget = max(1, totalSampleBudget / max(1, layout.cases.count))
    let channelCount =
      layout.dataset?.channelNames.count ?? (layout.cases.map { ($0.channelIndices.max() ?? 0) + 1 }.max() ?? 1)
    var records: [DatasetFingerprint.CaseRecord] = []
    var dimensions: [String: Int] = [:]
    var pixelTypes = Array(repeating: [String: Int](), count: channelCount)
    var components: [String: Int] = [:]
    var orientations: [String: Int] = [:]
    var foreground = Array(repeating: [Double](), count: channelCount)
    var whole = Array(repeating: [Double](), count: channelCount)
    var labelValues = Set<Int>()
    var labelsRead = false
    var warnings: [String] = []
    for files in layout.cases {
      var headers: [Int: ImageHeader] = [:]
      var failed = false
      for (channel, path) in files.channels.sorted(by: { $0.key < $1.key }) {
        do {
          let header = try ImageFile.readHeader(at: path)
          headers[channel] = header
          warnings += ImageFile.readWarnings(for: path, header: header).map { "\(path): \($0)" }
        } catch {
          problems.append("\(error)")
          failed = true
        }
      }
      guard !failed, let first = headers[files.channelIndices[0]] else { continue }
      let g = first.geometry
      let spatial = min(g.dimension, 3)
      dimensions[String(spatial), default: 0] += 1
      orientations[first.axisCodes, default: 0] += 1
      for (channel, header) in headers where channel < channelCount {
        pixelTypes[channel][header.pixelType.rawValue, default: 0] += 1
        components[String(header.components), default: 0] += 1
      }
      var record = DatasetFingerprint.CaseRecord(
        id: files.id, size: Array(g.size.prefix(spatial)), spacing: Array(g.spacing.prefix(spatial)),
        axisCodes: first.axisCodes, pixelTypes: files.channelIndices.map { headers[$0]!.pixelType.rawValue },
        sizeAfterCrop: nil)
      // A label on another grid than its image (one slice short, another scan): nnU-Net's verify_dataset_integrity
      // raises on it, and its foreground would be counted in the wrong place.
      var labelMatches = true
      if let label = files.label {
        do {
          if let difference = try ImageFile.readHeader(at: label).geometry.difference(from: g) {
            problems.append(
              "\(label): the label's grid differs from its image's (\(difference)): a mis-paired or cut label; its case's foreground statistics are left out"
            )
            labelMatches = false
          }
        } catch {
          problems.append("\(error)")
          labelMatches = false
        }
      }
      if readPixels {
        var mask: [UInt8]?
        if let label = files.label, labelMatches {
          do {
            let summary = VoxelScan.labels(try ImageFile.read(at: label))
            labelValues.formUnion(summary.values)
            labelsRead = true
            mask = summary.foregroundMask
          } catch { problems.append("\(error)") }
        }
        var box = NonzeroBox()
        var profiles = [IntensityProfile?](repeating: nil, count: channelCount)
        for (channel, path) in files.channels where channel < channelCount {
          do {
            let volume = try ImageFile.read(at: path)
            let scan = VoxelScan.scan(
              volume, sampleLimit: min(caseBudget, 1_000_000), mask: mask, foregroundLimit: caseBudget)
            whole[channel] += scan.sample
            profiles[channel] = IntensityProfile(scan)
            foreground[channel] += EqualWeightSample.represent(
              scan.foreground, count: min(caseBudget, EqualWeightSample.maxPerCase))
            box.include(scan)
          } catch { problems.append("\(error)") }
        }
        // nnU-Net crops to the union of the channels' non-zero regions; an all-zero case keeps its size.
        record.sizeAfterCrop = box.size ?? record.size
        record.intensity = profiles
      }
      records.append(record)
    }
    guard !records.isEmpty else {
      throw CheckReferenceError(
        folder,
        problems.isEmpty ? "no readable training images" : "no readable training images (\(problems.count) unreadable)")
    }
    let dominant = dimensions.max { $0.value < $1.value }!.key
    let main = records.filter { String($0.spacing.count) == dominant }
    let spacings = main.map(\.spacing)
    let sizes = main.map { ($0.size ?? []).map(Double.init) }
    let cropped = main.compactMap { $0.sizeAfterCrop?.map(Double.init) }
    let names = layout.dataset?.channelNames ?? (0..<channelCount).map(String.init)
    let fingerprint = DatasetFingerprint(
      format: DatasetFingerprint.formatName, version: DatasetFingerprint.currentVersion, createdBy: tool,
      source: folder, kind: layout.dataset == nil ? "folder" : "nnunet-raw",
      fileEnding: layout.dataset?.fileEnding
        ?? records.first.flatMap { r in layout.cases.first { $0.id == r.id }?.fileEnding },
      channelNames: names, labels: layout.dataset?.labels, segmentationHeads: layout.dataset?.segmentationHeads,
      caseCount: records.count, dimensions: dimensions,
      spacing: AxisStatistics.perAxis(spacings) ?? [], size: AxisStatistics.perAxis(sizes),
      sizeAfterCrop: cropped.count == main.count ? AxisStatistics.perAxis(cropped) : nil,
      targetSpacing: TargetSpacingRule.targetSpacing(
        spacings: spacings, sizes: cropped.count == main.count ? cropped : sizes) ?? [],
      pixelTypes: pixelTypes, components: components, orientations: orientations,
      intensity: (0..<channelCount).map { c in
        DatasetFingerprint.ChannelIntensity(
          channel: c, name: names[c], foreground: IntensityStatistics(sample: foreground[c]),
          image: IntensityStatistics(sample: whole[c]))
      },
      labelValues: labelsRead ? labelValues.sorted() : nil, cases: records,
      targetMedianSize: cropped.count == main.count && !main.isEmpty
        ? TargetSpacingRule.medianSize(
          spacings: spacings, sizes: cropped,
          target: TargetSpacingRule.targetSpacing(spacings: spacings, sizes: cropped) ?? []) : nil,
      medianRelativeSizeAfterCropping: cropped.count == main.count && !main.isEmpty
        ? Statistics.percentile(
          sorted: zip(cropped, sizes).map { $0.reduce(1, *) / max(1, $1.reduce(1, *)) }.sorted(), 50) : nil)
    return Result(fingerprint: fingerprint, problems: problems, warnings: warnings)
  }
}

/// Where a training folder keeps its images and labels.
struct TrainingLayout {
  var dataset: DatasetJSON?
  var cases: [CaseFiles]
  /// Image files whose ending is not the dataset's `file_ending` (nnU-Net silently skips them).
  var ignored: [String]

  static func locate(_ folder: String) throws(CheckReferenceError) -> TrainingLayout {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw CheckReferenceError(folder, "not a folder")
    }
    let datasetPath = PathText.join(folder, "dataset.json")
    let imagesTr = PathText.join(folder, "imagesTr")
    if FileManager.default.fileExists(atPath: datasetPath) {
      let dataset = try DatasetJSON.load(datasetPath)
      guard FileManager.default.fileExists(atPath: imagesTr) else {
        throw CheckReferenceError(folder, "dataset.json is here but imagesTr/ is missing")
      }
      let all = CaseScanner.imageFiles(in: imagesTr)
      let kept = all.filter { $0.hasSuffix(dataset.fileEnding) }
      var cases = CaseScanner.group(kept)
      CaseScanner.attachLabels(&cases, from: PathText.join(folder, "labelsTr"))
      guard !cases.isEmpty else { throw CheckReferenceError(imagesTr, "no \(dataset.fileEnding) images") }
      return TrainingLayout(dataset: dataset, cases: cases, ignored: all.filter { !$0.hasSuffix(dataset.fileEnding) })
    }
    let imagesFolder = FileManager.default.fileExists(atPath: imagesTr) ? imagesTr : folder
    // A DICOM series folder is one case; a folder of series folders, one case each.
    let files =
      DicomReference.looksLikeSeriesFolder(folder, directly: true) ? [folder] : CaseScanner.imageFiles(in: imagesFolder)
    var cases = CaseScanner.group(files)
    if imagesFolder == imagesTr { CaseScanner.attachLabels(&cases, from: PathText.join(folder, "labelsTr")) }
    guard !cases.isEmpty else { throw CheckReferenceError(folder, "no images (and no dataset.json)") }
    return TrainingLayout(dataset: nil, cases: cases, ignored: [])
  }
}
