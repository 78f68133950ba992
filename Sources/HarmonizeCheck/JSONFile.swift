import Foundation

/// Reading the JSON files of other tools (nnU-Net's) with one-line errors.
enum JSONFile {
  /// The top-level object of a JSON file.
  static func object(at path: String) throws(CheckReferenceError) -> [String: Any] {
    guard FileManager.default.fileExists(atPath: path) else { throw CheckReferenceError(path, "file not found") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckReferenceError(path, "cannot be read")
    }
    let parsed: Any
    do {
      parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
      throw CheckReferenceError(
        path,
        "malformed JSON: \(firstLine((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription))"
      )
    }
    guard let object = parsed as? [String: Any] else {
      throw CheckReferenceError(path, "JSON top level must be an object")
    }
    return object
  }

  /// A JSON number that holds an integer (3, 3.0), or nil.
  static func integer(_ value: Any) -> Int? {
    guard let d = double(value) else { return nil }
    guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { return nil }
    return Int(d)
  }

  /// A JSON number as a Double, or nil.
  static func double(_ value: Any) -> Double? {
    if let d = value as? Double { return d }
    if let i = value as? Int { return Double(i) }
    return (value as? NSNumber)?.doubleValue
  }

  /// A JSON array of numbers, or nil.
  static func doubles(_ value: Any?) -> [Double]? {
    guard let list = value as? [Any] else { return nil }
    let numbers = list.compactMap(double)
    return numbers.count == list.count ? numbers : nil
  }

  /// The keys of a top-level object member in the order the file lists them (JSONSerialization forgets order,
  /// and nnU-Net's region-based `labels` depend on it). nil when the member cannot be found.
  static func orderedKeys(ofObject member: String, in path: String) -> [String]? {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
      let start = text.range(of: "\"\(member)\"")
    else { return nil }
    var scanner = text[start.upperBound...].drop { $0 != "{" }
    guard !scanner.isEmpty else { return nil }
    scanner = scanner.dropFirst()
    var keys: [String] = []
    var depth = 0
    var expectKey = true
    var index = scanner.startIndex
    while index < scanner.endIndex {
      let c = scanner[index]
      switch c {
      case "\"":
        var end = scanner.index(after: index)
        var literal = ""
        while end < scanner.endIndex && scanner[end] != "\"" {
          if scanner[end] == "\\" { end = scanner.index(after: end) }
          if end < scanner.endIndex { literal.append(scanner[end]) }
          end = scanner.index(after: end)
        }
        if depth == 0 && expectKey {
          keys.append(literal)
          expectKey = false
        }
        index = end
      case "{", "[": depth += 1
      case "}", "]":
        if depth == 0 { return keys }
        depth -= 1
      case "," where depth == 0: expectKey = true
      default: break
      }
      if index < scanner.endIndex { index = scanner.index(after: index) }
    }
    return nil
  }

  private static func firstLine(_ s: String) -> String { s.split(separator: "\n").first.map(String.init) ?? s }
}
