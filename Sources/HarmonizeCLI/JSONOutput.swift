import Foundation
import Harmonize

/// `--json` output of the file commands: one object (or an array) on stdout, keys sorted, every digit kept.
enum JSONOutput {
  static func print(_ value: Any) {
    let data =
      (try? JSONSerialization.data(
        withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }

  /// A grid as JSON: size, spacing (mm), origin (LPS mm), direction (row-major), RAS+ axis codes.
  static func geometry(_ g: Geometry) -> [String: Any] {
    [
      "size": g.size, "spacing": g.spacing, "origin": g.origin, "direction": g.direction,
      "orientation": Orientation.axisCodes(g),
    ]
  }
}
