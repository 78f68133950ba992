import Foundation

/// The data files a MetaImage or NRRD header names, checked before ITK parses the header.
///
/// Why: ITK 5.2 follows a data file wherever it points and blocks forever on a FIFO; MetaIO reads a file pattern
/// with missing slices without a word, and its parse of `NDims` is quadratic (32 s at 100,000 axes). Each data file
/// (one file, a `LIST` of files, or a printf-style pattern `name%03d.raw MIN MAX STEP`) must exist and be a regular
/// file; links are followed, as `stat` does.
enum DetachedData {
  /// Axes a MetaImage or NRRD header may declare; harmonize reads 2 to 4, and ITK parses up to this many cheaply.
  static let maxDimension = 16
  /// Files a list or pattern may name.
  static let maxFiles = 1_000_000

  /// The data files of `headerPath` (the header itself for `LOCAL` data and attached formats), in read order.
  /// - Throws: `ImageFileError.Reason` for an absurd dimension count, a missing or non-regular data file.
  static func files(headerPath: String) throws(ImageFileError.Reason) -> [String] {
    guard let format = ImageFormat(path: headerPath) else { return [headerPath] }
    if format == .niftiPair || format == .niftiPairData {
      // Both halves of a NIfTI pair, as ITK finds them (the .img may be gzipped); ITK names a missing half.
      let stem = String(headerPath.dropLast(format.ending.count))
      let halves = [stem + ".hdr", stem + ".img", stem + ".img.gz"].filter {
        FileManager.default.fileExists(atPath: $0)
      }
      for path in halves { try checkRegular(path) }
      return halves.isEmpty ? [headerPath] : halves
    }
    guard format.family == "MetaImage" || format.family == "NRRD" else { return [headerPath] }
    let meta = format.family == "MetaImage"
    guard let handle = FileHandle(forReadingAtPath: headerPath) else { return [headerPath] }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 256 * 1024) else { return [headerPath] }
    let lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
    }
    let separator: Character = meta ? "=" : ":"
    for (number, line) in lines.enumerated() {
      if !meta && line.isEmpty { break }  // NRRD: the header ends at the first blank line
      guard let split = line.firstIndex(of: separator) else { continue }
      let key = line[..<split].trimmingCharacters(in: .whitespaces).lowercased()
      let value = line[line.index(after: split)...].trimmingCharacters(in: .whitespaces)
      if key == (meta ? "ndims" : "dimension") {
        guard let n = Int(value), (1...maxDimension).contains(n) else {
          throw .unsupportedFormat(
            "\(meta ? "NDims" : "dimension") must be 1 to \(maxDimension), not \(value.prefix(40))")
        }
      }
      guard key == (meta ? "elementdatafile" : "data file") || (!meta && key == "datafile") else { continue }
      if meta && value == "LOCAL" { return [headerPath] }
      let names = try dataFileNames(value, following: lines.dropFirst(number + 1))
      let folder = URL(fileURLWithPath: headerPath).deletingLastPathComponent()
      let paths = names.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
      for path in paths { try checkRegular(path) }
      return paths
    }
    return [headerPath]
  }

  /// The names a data-file field gives: a single name, `LIST [subdim]` followed by one name per line, or a pattern
  /// `format min max step [subdim]` with one `%d` conversion.
  static func dataFileNames(_ value: String, following: ArraySlice<String>) throws(ImageFileError.Reason) -> [String] {
    let words = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    if words.first == "LIST" {
      let names = following.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      guard !names.isEmpty else { throw .corrupt("its data file LIST names no files") }
      return names
    }
    if words.count >= 4, words[0].contains("%"), let first = Int(words[1]), let last = Int(words[2]),
      let step = Int(words[3])
    {
      guard step != 0, (last - first) / step >= 0, (last - first) / step < maxFiles else {
        throw .corrupt("its data file pattern \(value.prefix(80)) names no files or too many")
      }
      return stride(from: first, through: last, by: step).map { String(format: words[0], $0) }
    }
    return [value]
  }

  static func checkRegular(_ path: String) throws(ImageFileError.Reason) {
    var info = stat()
    guard stat(path, &info) == 0 else { throw .corrupt("its data file '\(path)' is missing") }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw .corrupt("its data file '\(path)' is not a regular file (a FIFO, device or folder)")
    }
  }
}
