import Foundation

/// How much pixel data a file on disk can plausibly hold, so that a corrupt header is caught before anything
/// is allocated for it.
///
/// Uncompressed NIfTI holds at most its file size. Everything else may be deflated, and deflate cannot
/// compress better than 1032:1, so a claim above that ratio (with a little slack) cannot be true. Detached
/// headers (`.mhd`, `.nhdr`, NIfTI/Analyze `.hdr`) are measured by their data file; lists and file patterns are
/// not measured (nil).
enum OnDiskData {
  static let deflateRatio = 1032
  static let slack = 64 * 1024

  static func plausibleByteLimit(headerPath: String, format: String) -> (bytes: Int, onDisk: Int, file: String)? {
    guard let dataPath = dataFile(headerPath: headerPath), let size = fileSize(dataPath) else { return nil }
    let lower = dataPath.lowercased()
    let uncompressed = format == "NIfTI" && (lower.hasSuffix(".nii") || lower.hasSuffix(".img"))
    let (scaled, overflow) = size.multipliedReportingOverflow(by: uncompressed ? 1 : deflateRatio)
    let file = dataPath == headerPath ? "the file" : "its data file '\(URL(fileURLWithPath: dataPath).lastPathComponent)'"
    return overflow ? nil : (scaled + slack, size, file)
  }

  /// The file that holds the pixels of `headerPath`, or nil when it cannot be told simply.
  static func dataFile(headerPath: String) -> String? {
    let lower = headerPath.lowercased()
    let folder = URL(fileURLWithPath: headerPath).deletingLastPathComponent()
    if lower.hasSuffix(".hdr") {
      let stem = String(headerPath.dropLast(4))
      return [".img", ".img.gz", ".IMG"].map { stem + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }
    let key: String
    if lower.hasSuffix(".mhd") {
      key = "elementdatafile"
    } else if lower.hasSuffix(".nhdr") {
      key = "data file"
    } else {
      return headerPath
    }
    guard let text = try? String(contentsOfFile: headerPath, encoding: .isoLatin1) else { return nil }
    for line in text.split(whereSeparator: \.isNewline) {
      let parts = line.split(separator: line.contains("=") && key == "elementdatafile" ? "=" : ":", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
      guard name == key || (key == "data file" && name == "datafile") else { continue }
      let value = parts[1].trimmingCharacters(in: .whitespaces)
      if value == "LOCAL" { return headerPath }
      if value.hasPrefix("LIST") || value.contains("%") || value.contains(" ") { return nil }
      return value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path
    }
    return nil
  }

  static func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
  }
}
