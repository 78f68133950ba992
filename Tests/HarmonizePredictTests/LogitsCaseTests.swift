import Foundation
import Testing

@testable import HarmonizePredict

@Suite("predict: the runner's logits record")
struct LogitsCaseTests {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logits-\(UUID().uuidString)").path

  func write(_ record: [String: Any], bytes: Int) throws -> String {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let base = folder + "/case"
    try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: base + ".json"))
    try Data(count: bytes).write(to: URL(fileURLWithPath: base + ".logits"))
    return base
  }

  nonisolated(unsafe) static let good: [String: Any] = [
    "dtype": "float16", "shape": [3, 4, 5, 6],
    "properties": [
      "spacing": [2.0, 1.0, 1.0], "shape_before_cropping": [6, 7, 8],
      "bbox_used_for_cropping": [[1, 5], [0, 7], [2, 8]],
      "shape_after_cropping_and_before_resampling": [4, 7, 6],
    ],
  ]

  @Test func readsAConsistentRecord() throws {
    let base = try write(Self.good, bytes: 3 * 4 * 5 * 6 * 2)
    let logits = try LogitsCase(base: base, classes: 3)
    #expect(logits.logits.shape == [4, 5, 6])
    #expect(logits.box.map(\.lower) == [1, 0, 2])
    #expect(logits.croppedShape == [4, 7, 6])
  }

  /// Every inconsistency is refused before the file is mapped: a size the record does not explain, a crop box outside
  /// the case or of another size than the cropped shape, another class count, an unknown type.
  @Test(arguments: ["size", "box", "boxSize", "classes", "dtype", "spacing", "huge"])
  func refusesAnInconsistentRecord(_ flaw: String) throws {
    var record = Self.good
    var properties = record["properties"] as! [String: Any]
    var bytes = 3 * 4 * 5 * 6 * 2
    switch flaw {
    case "size": bytes -= 2
    case "box": properties["bbox_used_for_cropping"] = [[3, 7], [0, 7], [2, 8]]
    case "boxSize": properties["bbox_used_for_cropping"] = [[1, 4], [0, 7], [2, 8]]
    case "classes": record["shape"] = [2, 4, 5, 6]
    case "dtype": record["dtype"] = "float64"
    case "spacing": properties["spacing"] = [2.0, -1.0, 1.0]
    default: record["shape"] = [3, 1 << 30, 1 << 30, 6]
    }
    record["properties"] = properties
    let base = try write(record, bytes: bytes)
    #expect(throws: PredictError.self, "\(flaw)") { try LogitsCase(base: base, classes: 3) }
  }
}
