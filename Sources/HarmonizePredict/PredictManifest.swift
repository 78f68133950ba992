import Foundation
import HarmonizeBatch
import HarmonizeVolume

/// The record of `harmonize predict` in its output folder, `harmonize-predict.jsonl`: one JSON line per case as it
/// ends, appended by batch's `ManifestWriter` (a line cut by a crash costs that line only). A re-run skips a case only when its last line says
/// done and everything it was made from, and the output itself, is unchanged (`isCurrent`).
struct PredictManifest {
  static let name = "harmonize-predict.jsonl"

  struct Entry: Codable {
    enum Status: String, Codable { case done, failed }
    var id: String
    var output: String
    var status: Status
    var error: String?
    /// Size and modification time of each channel file and of the model's plans, dataset.json and checkpoints.
    var inputs: [String: FileIdentity]
    var model: [String: FileIdentity]
    /// Export, folds, network settings and orientation: a change redoes the case.
    var parameters: String
    var outputIdentity: FileIdentity?
    var seconds: Double?
    var finished: String
  }

  /// The last entry per case id; unreadable lines are skipped.
  static func read(folder: String) -> [String: Entry] {
    guard let data = FileManager.default.contents(atPath: PathText.join(folder, name)) else { return [:] }
    var latest: [String: Entry] = [:]
    for line in data.split(separator: UInt8(ascii: "\n")) {
      if let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) { latest[entry.id] = entry }
    }
    return latest
  }

  /// Whether `entry` says this very case was finished: done, same inputs, model and parameters, and the output file
  /// is the one written then (same size and time) on the original image's grid.
  static func isCurrent(
    _ entry: Entry?, inputs: [String: FileIdentity?], model: [String: FileIdentity?], parameters: String,
    output: String, geometry: Geometry
  ) -> Bool {
    guard let entry, entry.status == .done, entry.output == output, entry.parameters == parameters,
      entry.inputs.mapValues(Optional.some) == inputs, entry.model.mapValues(Optional.some) == model,
      let identity = entry.outputIdentity, FileIdentity(output) == identity,
      let written = try? ImageFile.readHeader(at: output).geometry
    else { return false }
    return written.difference(from: geometry) == nil
  }
}
