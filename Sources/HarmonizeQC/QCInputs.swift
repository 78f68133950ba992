import Foundation
import HarmonizeBatch
import HarmonizeCheck
import HarmonizeVolume

/// Finds the cases of `harmonize qc`: image files, flat folders, nnU-Net dataset folders (imagesTr/ with labelsTr/,
/// and imagesTs/), and `batch` output folders (their manifest says what each output was made from).
public enum QCInputs {
  public struct Collected: Sendable {
    public var cases: [QCCase]
    /// Label value → name, from the first dataset.json found.
    public var labelNames: [Int: String]
    /// Paths that do not exist.
    public var missing: [String]
  }

  /// - Parameters:
  ///   - before: a batch's input folder: each output is shown beside the file it was made from.
  ///   - labelsFolder: label files (`{CASE}{ending}`) for cases found in flat folders or given as files.
  public static func collect(_ paths: [String], before: String? = nil, labelsFolder: String? = nil) -> Collected {
    var result = Collected(cases: [], labelNames: [:], missing: [])
    var loose: [String] = []
    let fm = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
        if DicomReference(path: path) != nil { loose.append(path) } else { result.missing.append(path) }
        continue
      }
      guard isDirectory.boolValue, !DicomReference.looksLikeSeriesFolder(path, directly: true) else {
        loose.append(path)
        continue
      }
      if result.labelNames.isEmpty { result.labelNames = labelNames(in: path) }
      if fm.fileExists(atPath: PathText.join(path, Manifest.mainName)) {
        result.cases += batchCases(output: path, before: before)
      } else if fm.fileExists(atPath: PathText.join(path, "imagesTr"))
        || fm.fileExists(atPath: PathText.join(path, "imagesTs"))
      {
        for (images, labels) in [("imagesTr", "labelsTr"), ("imagesTs", "labelsTs")] {
          var cases = CaseScanner.group(CaseScanner.imageFiles(in: PathText.join(path, images)))
          CaseScanner.attachLabels(&cases, from: PathText.join(path, labels))
          result.cases += cases.map { QCCase(id: $0.id, image: $0.paths.first, label: $0.label) }
        }
      } else {
        loose += CaseScanner.imageFiles(in: path)
      }
    }
    var cases = CaseScanner.group(loose)
    if let labelsFolder { CaseScanner.attachLabels(&cases, from: labelsFolder) }
    result.cases += cases.map { QCCase(id: $0.id, image: $0.paths.first, label: $0.label) }
    return result
  }

  /// The label names of the dataset.json in `folder`, or none.
  public static func labelNames(in folder: String) -> [Int: String] {
    guard let dataset = try? DatasetJSON.load(PathText.join(folder, "dataset.json")) else { return [:] }
    return labelNames(of: dataset)
  }

  /// Label value → name from a dataset.json (region-based entries name their first value).
  public static func labelNames(of dataset: DatasetJSON) -> [Int: String] {
    var names: [Int: String] = [:]
    for entry in dataset.labels where entry.name != "background" {
      if let value = entry.values.first, names[value] == nil { names[value] = entry.name }
    }
    return names
  }

  /// A batch output's cases from its manifest: images and label maps paired by case, each beside its source when
  /// the input folder is known; failed files become error findings.
  static func batchCases(output: String, before: String?) -> [QCCase] {
    let entries = Manifest.read(folder: output).values.sorted { $0.output < $1.output }
    let images = entries.filter { $0.kind?.isLabel != true && $0.status == .done }
    let labels = entries.filter { $0.kind?.isLabel == true && $0.status == .done }
    var byOutput: [String: Manifest.Entry] = [:]
    for entry in entries { byOutput[PathText.join(output, entry.output)] = entry }
    let cases = CaseScanner.group(images.map { PathText.join(output, $0.output) })
    var labelByID: [String: Manifest.Entry] = [:]
    for entry in labels {
      let name = PathText.name(entry.output)
      if let ending = CaseScanner.ending(of: name) { labelByID[String(name.dropLast(ending.count))] = entry }
    }
    var result: [QCCase] = []
    for files in cases {
      let first = files.paths.first
      let label = labelByID.removeValue(forKey: files.id)
      var item = QCCase(id: files.id, image: first, label: label.map { PathText.join(output, $0.output) })
      if let before {
        item.beforeImage = first.flatMap { byOutput[$0] }.map { PathText.join(before, $0.input) }
        item.beforeLabel = label.map { PathText.join(before, $0.input) }
      }
      result.append(item)
    }
    // Label maps without an image, then failed files.
    for (id, entry) in labelByID.sorted(by: { $0.key < $1.key }) {
      result.append(
        QCCase(
          id: id, image: nil, label: PathText.join(output, entry.output),
          beforeLabel: before.map { PathText.join($0, entry.input) }))
    }
    for entry in entries where entry.status == .failed {
      let finding = Finding(.error, "batch", "\(entry.input): \(entry.error ?? "failed")")
      // The case it belongs to, as CaseScanner groups channel files (CASE_0000 → CASE).
      let id = CaseScanner.group([entry.output]).first?.id ?? PathText.name(entry.output)
      if let index = result.firstIndex(where: { $0.id == id }) {
        result[index].findings.append(finding)
      } else {
        result.append(QCCase(id: id, image: nil, findings: [finding]))
      }
    }
    return result
  }
}
