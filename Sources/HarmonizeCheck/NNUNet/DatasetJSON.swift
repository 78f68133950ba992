import Foundation

/// The parts of nnU-Net v2's `dataset.json` that decide what a prediction input must look like.
///
/// Read the way nnU-Net reads it: `channel_names` (or the legacy `modality`) keyed by channel index strings,
/// `labels` mapping names to an integer or, for region-based training, a list of integers, an optional
/// `ignore` label (in `labels` under the key `ignore`), and `file_ending`.
public struct DatasetJSON: Codable, Sendable, Equatable {
  /// Channel names in channel order (`_0000` first).
  public var channelNames: [String]
  /// Label names with their values, in the file's order; a region lists several values.
  public var labels: [LabelEntry]
  /// `file_ending`, e.g. ".nii.gz".
  public var fileEnding: String
  /// `numTraining`, when present.
  public var numTraining: Int?

  /// One entry of `labels`.
  public struct LabelEntry: Codable, Sendable, Equatable {
    public var name: String
    public var values: [Int]
    public init(name: String, values: [Int]) {
      self.name = name
      self.values = values
    }
  }

  public init(channelNames: [String], labels: [LabelEntry], fileEnding: String, numTraining: Int? = nil) {
    self.channelNames = channelNames
    self.labels = labels
    self.fileEnding = fileEnding
    self.numTraining = numTraining
  }

  /// True when a label maps to more than one value (nnU-Net's region-based training, sigmoid outputs).
  public var isRegionBased: Bool { labels.contains { $0.values.count > 1 } }

  /// The ignore label's value (the `ignore` key), if any.
  public var ignoreLabel: Int? { labels.first { $0.name == "ignore" }?.values.first }

  /// Every label value a segmentation may hold: all values named in `labels`, the ignore label included.
  public var allowedLabelValues: [Int] { Array(Set(labels.flatMap(\.values))).sorted() }

  /// K, the network's output channels (nnU-Net's `LabelManager.num_segmentation_heads`): the number of distinct
  /// label values without the ignore label, or, for region-based training, the number of foreground regions.
  public var segmentationHeads: Int {
    let ignore = ignoreLabel
    if isRegionBased {
      return labels.filter { $0.name != "ignore" && !($0.values.allSatisfy { $0 == 0 }) }.count
    }
    return Set(labels.filter { $0.name != "ignore" }.flatMap(\.values)).filter { $0 != ignore }.count
  }

  /// Reads and validates a `dataset.json`.
  /// - Throws: `CheckReferenceError` naming the file and what is missing or malformed.
  public static func load(_ path: String) throws(CheckReferenceError) -> DatasetJSON {
    let object = try JSONFile.object(at: path)
    let channelKey = object["channel_names"] != nil ? "channel_names" : "modality"
    guard let channels = object[channelKey] as? [String: Any] else {
      throw CheckReferenceError(path, "dataset.json has no channel_names (or legacy modality) object")
    }
    var names: [(Int, String)] = []
    for (key, value) in channels {
      guard let index = Int(key), index >= 0 else {
        throw CheckReferenceError(path, "channel_names key \"\(key)\" is not a channel index")
      }
      names.append((index, "\(value)"))
    }
    names.sort { $0.0 < $1.0 }
    guard names.map(\.0) == Array(0..<names.count) else {
      throw CheckReferenceError(path, "channel_names keys must be 0..\(names.count - 1), not \(names.map(\.0))")
    }
    guard let labelObject = object["labels"] as? [String: Any] else {
      throw CheckReferenceError(path, "dataset.json has no labels object")
    }
    var labels: [LabelEntry] = []
    for name in JSONFile.orderedKeys(ofObject: "labels", in: path) ?? labelObject.keys.sorted() {
      guard let value = labelObject[name] else { continue }
      if let number = JSONFile.integer(value) {
        labels.append(LabelEntry(name: name, values: [number]))
      } else if let list = value as? [Any], !list.isEmpty, case let ints = list.compactMap(JSONFile.integer),
        ints.count == list.count
      {
        labels.append(LabelEntry(name: name, values: ints))
      } else if let number = Int("\(value)") {
        labels.append(LabelEntry(name: name, values: [number]))  // nnU-Net v1 style string values
      } else {
        throw CheckReferenceError(path, "label \"\(name)\" must be an integer or a list of integers, not \(value)")
      }
    }
    guard labels.contains(where: { $0.name == "background" && $0.values == [0] }) else {
      throw CheckReferenceError(path, "labels must contain \"background\": 0, as nnU-Net requires")
    }
    guard let ending = object["file_ending"] as? String, !ending.isEmpty else {
      throw CheckReferenceError(path, "dataset.json has no file_ending")
    }
    return DatasetJSON(
      channelNames: names.map(\.1), labels: labels, fileEnding: ending,
      numTraining: object["numTraining"].flatMap(JSONFile.integer))
  }
}
