/// Whether a file is resampled as an image or as a segmentation, and which rule said so (reported to the user).
/// Encoded as one string, as manifests have always stored it: "image", "label: RULE" or "undecided".
public enum FileKind: Sendable, Equatable, Codable {
  case image
  /// A segmentation; `rule` is why: "labelsTr/ folder", "name contains 'seg'", "--labels GLOB",
  /// "integer with N distinct values".
  case label(rule: String)
  /// Decided once the pixels are read: a label map if the pixel type is an integer with few distinct values.
  case undecided

  public var isLabel: Bool { if case .label = self { return true } else { return false } }

  /// The rule that made it a segmentation; nil for an image.
  public var labelRule: String? { if case .label(let rule) = self { return rule } else { return nil } }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    switch text {
    case "image": self = .image
    case "undecided": self = .undecided
    default:
      guard text.hasPrefix("label") else {
        throw DecodingError.dataCorrupted(
          .init(codingPath: decoder.codingPath, debugDescription: "unknown kind \(text)"))
      }
      self = .label(rule: text.hasPrefix("label: ") ? String(text.dropFirst("label: ".count)) : "")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .image: try container.encode("image")
    case .undecided: try container.encode("undecided")
    case .label(let rule): try container.encode("label: \(rule)")
    }
  }

  /// Distinct values up to which an integer image is taken for a label map.
  public static let maxLabelValues = 128

  /// The rule-based kind of a file from its path relative to the input folder (header-free rules first).
  static func classify(relativePath: String, labelGlobs: [String]) -> FileKind {
    let components = relativePath.split(separator: "/").map(String.init)
    for folder in components.dropLast() where folder == "labelsTr" || folder == "labelsTs" {
      return .label(rule: "\(folder)/ folder (nnU-Net layout)")
    }
    let name = components.last ?? relativePath
    for glob in labelGlobs where fnmatch(glob, relativePath) || fnmatch(glob, name) {
      return .label(rule: "--labels \(glob)")
    }
    if components.contains(where: { $0.hasPrefix("images") }) { return .image }
    let lower = relativePath.lowercased()
    for word in ["seg", "label", "mask"] where lower.contains(word) {
      return .label(rule: "path contains '\(word)'")
    }
    return .undecided
  }
}

/// Shell-style glob match (`*`, `?`, `[...]`), `*` crossing `/`.
func fnmatch(_ pattern: String, _ text: String) -> Bool {
  let p = Array(pattern), t = Array(text)
  func match(_ i: Int, _ j: Int) -> Bool {
    if i == p.count { return j == t.count }
    switch p[i] {
    case "*":
      var k = j
      while true {
        if match(i + 1, k) { return true }
        if k == t.count { return false }
        k += 1
      }
    case "?": return j < t.count && match(i + 1, j + 1)
    case "[":
      guard let close = p[(i + 1)...].firstIndex(of: "]"), j < t.count else { return false }
      let set = p[(i + 1)..<close]
      return set.contains(t[j]) && match(close + 1, j + 1)
    default: return j < t.count && p[i] == t[j] && match(i + 1, j + 1)
    }
  }
  return match(0, 0)
}
