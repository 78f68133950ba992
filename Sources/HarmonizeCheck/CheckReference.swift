import Foundation
import HarmonizeVolume

/// What prediction inputs are checked against: a training fingerprint, and, for an nnU-Net model or
/// preprocessed folder, its dataset.json and plans.
public struct CheckReference: Sendable {
  /// The path the user gave.
  public var path: String
  public var fingerprint: DatasetFingerprint
  /// dataset.json, when the reference has one (channel names, labels, file ending).
  public var dataset: DatasetJSON?
  /// nnU-Net plans, for a model or preprocessed folder.
  public var plans: NNUNetPlans?
  /// `fold_*` folders found in a model folder (the folds `nnUNetv2_predict` averages by default).
  public var folds: Int?
  /// Lines about reference files that could not be used (training images that failed to read).
  public var problems: [String]

  /// Loads a reference: a `harmonize fingerprint` JSON file; an nnU-Net model or preprocessed folder
  /// (`dataset.json`, `plans.json` or `nnUNetPlans.json`, `dataset_fingerprint.json`); an nnU-Net raw dataset
  /// folder (`dataset.json` + `imagesTr/`) or a folder of images, fingerprinted on the spot.
  /// - Throws: `CheckReferenceError` naming the file and what is missing or malformed.
  public static func load(
    _ path: String, readPixels: Bool = true, tool: String
  ) throws(CheckReferenceError) -> CheckReference {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CheckReferenceError(path, "reference not found")
    }
    if !isDirectory.boolValue {
      if CaseScanner.ending(of: PathText.name(path)) != nil {
        throw CheckReferenceError(
          path,
          "is an image, not a reference: give a `harmonize fingerprint` JSON, an nnU-Net raw dataset folder, a folder of training images or an nnU-Net model folder"
        )
      }
      let object = try JSONFile.object(at: path)
      if object["format"] != nil || object["version"] != nil {
        let fingerprint = try DatasetFingerprint.load(path)
        return CheckReference(path: path, fingerprint: fingerprint, dataset: nil, plans: nil, folds: nil, problems: [])
      }
      if object["spacings"] != nil { return try loadModel(PathText.parent(path), given: path) }
      throw CheckReferenceError(path, "not a harmonize fingerprint or an nnU-Net dataset_fingerprint.json")
    }
    let names = Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
    if !names.isDisjoint(with: ["plans.json", "nnUNetPlans.json", "dataset_fingerprint.json"]) {
      return try loadModel(path, given: path)
    }
    let result = try Fingerprinter.fingerprint(folder: path, readPixels: readPixels, tool: tool)
    let dataset = names.contains("dataset.json") ? try DatasetJSON.load(PathText.join(path, "dataset.json")) : nil
    return CheckReference(
      path: path, fingerprint: result.fingerprint, dataset: dataset, plans: nil, folds: nil,
      problems: result.problems)
  }

  /// An nnU-Net model folder (`nnUNetTrainer__nnUNetPlans__3d_fullres`) or preprocessed folder.
  static func loadModel(_ folder: String, given: String) throws(CheckReferenceError) -> CheckReference {
    func file(_ name: String) -> String { PathText.join(folder, name) }
    let fm = FileManager.default
    let plansPath = ["plans.json", "nnUNetPlans.json"].map(file).first { fm.fileExists(atPath: $0) }
    var missing: [String] = []
    if !fm.fileExists(atPath: file("dataset.json")) { missing.append("dataset.json") }
    if plansPath == nil { missing.append("plans.json (or nnUNetPlans.json)") }
    if !fm.fileExists(atPath: file("dataset_fingerprint.json")) { missing.append("dataset_fingerprint.json") }
    guard missing.isEmpty, let plansPath else {
      throw CheckReferenceError(given, "nnU-Net model folder is missing \(missing.joined(separator: ", "))")
    }
    let dataset = try DatasetJSON.load(file("dataset.json"))
    let plans = try NNUNetPlans.load(plansPath)
    let nnunet = try NNUNetFingerprint.load(file("dataset_fingerprint.json"))
    let folds = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix("fold_") }.count
    let spacings = nnunet.spacings.map { Array($0.reversed()) }
    let cropped = nnunet.shapesAfterCrop.map { Array($0.reversed()) }
    let intensity = dataset.channelNames.enumerated().map { index, name in
      DatasetFingerprint.ChannelIntensity(
        channel: index, name: name,
        foreground: nnunet.foregroundIntensity[index] ?? plans.foregroundIntensity[index],
        image: nil)
    }
    let fingerprint = DatasetFingerprint(
      format: DatasetFingerprint.formatName, version: DatasetFingerprint.currentVersion, createdBy: "nnU-Net",
      source: folder, kind: "nnunet-model", fileEnding: dataset.fileEnding, channelNames: dataset.channelNames,
      labels: dataset.labels, segmentationHeads: dataset.segmentationHeads, caseCount: spacings.count,
      dimensions: Dictionary(grouping: spacings, by: { String($0.count) }).mapValues(\.count),
      spacing: AxisStatistics.perAxis(spacings) ?? [], size: nil,
      sizeAfterCrop: cropped.count == spacings.count ? AxisStatistics.perAxis(cropped) : nil,
      targetSpacing: TargetSpacingRule.targetSpacing(spacings: spacings, sizes: cropped) ?? [],
      pixelTypes: nil, components: nil, orientations: nil, intensity: intensity, labelValues: nil,
      cases: spacings.enumerated().map { index, spacing in
        DatasetFingerprint.CaseRecord(
          id: "case \(index)", size: nil, spacing: spacing, axisCodes: nil, pixelTypes: nil,
          sizeAfterCrop: index < cropped.count ? cropped[index].map { Int($0) } : nil)
      })
    return CheckReference(
      path: given, fingerprint: fingerprint, dataset: dataset, plans: plans,
      folds: folds > 0 ? folds : nil, problems: [])
  }

  /// True for nnU-Net references (a dataset.json, or a model folder): nnU-Net's naming and file ending apply.
  public var isNNUNet: Bool { dataset != nil || fingerprint.kind != "folder" }

  /// Channel names, in channel order.
  public var channelNames: [String] { dataset?.channelNames ?? fingerprint.channelNames }
  /// nnU-Net's `file_ending`, when known.
  public var fileEnding: String? { dataset?.fileEnding ?? fingerprint.fileEnding }
  /// K for the memory estimates: from dataset.json, else from the fingerprint's labels or label values.
  public var segmentationHeads: Int? {
    dataset?.segmentationHeads ?? fingerprint.segmentationHeads ?? fingerprint.labelValues.map { max(2, $0.count) }
  }
  /// Label values a segmentation may hold.
  public var allowedLabels: [Int]? {
    dataset?.allowedLabelValues ?? fingerprint.labels.map { Array(Set($0.flatMap(\.values))).sorted() }
      ?? fingerprint.labelValues
  }
}
