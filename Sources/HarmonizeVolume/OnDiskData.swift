import Foundation

/// How much pixel data a file on disk can plausibly hold, so that a corrupt header is caught before anything
/// is allocated for it.
///
/// NIfTI is checked in CNifti from its own header (`header_check.cpp`: the stored type, not the scaled one, and
/// exactly for uncompressed data). For the other formats: uncompressed data holds at most its file size, and deflate
/// cannot compress better than 1032:1, so a claim above that ratio (with a little slack) cannot be true. Detached
/// headers (`.mhd`, `.nhdr`) are measured by their data file; lists and file patterns are not measured (nil).
/// Sizes are of the file a path resolves to: a symbolic link is measured by its target.
enum OnDiskData {
  static let deflateRatio = 1032
  static let slack = 64 * 1024

  static func plausibleByteLimit(headerPath: String, format: String) -> (bytes: Int, onDisk: Int, file: String)? {
    guard format != "NIfTI", let dataPath = dataFile(headerPath: headerPath), let size = fileSize(dataPath) else {
      return nil
    }
    let (scaled, overflow) = size.multipliedReportingOverflow(by: deflateRatio)
    let file =
      dataPath == headerPath ? "the file" : "its data file '\(URL(fileURLWithPath: dataPath).lastPathComponent)'"
    return overflow ? nil : (scaled + slack, size, file)
  }

  /// The one file that holds the pixels of `headerPath` (the file itself, or a detached header's single data file);
  /// nil for lists and patterns.
  static func dataFile(headerPath: String) -> String? {
    guard let files = try? DetachedData.files(headerPath: headerPath), files.count == 1 else { return nil }
    return files[0]
  }

  /// Size of the regular file `path` resolves to (links followed, as `stat` does); nil for anything else.
  static func fileSize(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(info.st_size)
  }
}

extension OnDiskData {
  /// The file size a MetaImage's pixel data needs (data offset + stored bytes: the pixel bytes, or a compressed
  /// file's declared CompressedDataSize) and the size it has, when it has less; nil where the layout is not known
  /// here (NRRD and gzip streams check their own, NIfTI is checked in CNifti).
  ///
  /// Why: ITK 5.2's MetaImage reader returns a silently short volume when an uncompressed file is truncated; the
  /// rest of the buffer is whatever memory held. We refuse such files before reading.
  static func storedShortfall(
    headerPath: String, format: String, pixelBytes: Int, values: Int
  ) -> (needed: Int, actual: Int)? {
    if format == "MetaImage", ImageFormat(path: headerPath)?.family == "MetaImage" {
      guard let layout = metaImageLayout(headerPath), let size = fileSize(layout.dataPath) else { return nil }
      // Compressed data declares its length (CompressedDataSize); ITK's reader inflates what is there without checking.
      guard let stored = layout.compressed ? layout.compressedBytes : pixelBytes else { return nil }
      return size < layout.offset + stored ? (layout.offset + stored, size) : nil
    }
    return nil
  }

  /// Where a MetaImage's pixels are: the data file, the byte offset of the pixels in it, and whether they are
  /// compressed. nil for lists, patterns and explicit header sizes.
  static func metaImageLayout(
    _ path: String
  ) -> (dataPath: String, offset: Int, compressed: Bool, compressedBytes: Int?)? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 64 * 1024) else { return nil }
    var compressed = false
    var compressedBytes: Int?
    var position = 0
    for lineBytes in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      position += lineBytes.count + 1
      let line = String(decoding: lineBytes, as: UTF8.self)
      let parts = line.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
      let value = parts[1].trimmingCharacters(in: .whitespaces)
      if key == "compresseddata" { compressed = value.lowercased() == "true" }
      if key == "compresseddatasize" { compressedBytes = Int(value) }
      if key == "headersize" { return nil }
      if key == "elementdatafile" {
        if value == "LOCAL" { return (path, position, compressed, compressedBytes) }
        if value.hasPrefix("LIST") || value.contains("%") || value.contains(" ") { return nil }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return (
          value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path, 0, compressed, compressedBytes
        )
      }
    }
    return nil
  }
}
