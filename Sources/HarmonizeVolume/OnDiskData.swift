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

extension OnDiskData {
  /// The file size pixel data needs (data offset + stored bytes: the pixel bytes, or a compressed MetaImage's declared
  /// CompressedDataSize) and the size it has, when it has less; nil where the layout is not known here (NRRD and
  /// gzip streams check their own).
  ///
  /// Why: ITK 5.2's NIfTI and MetaImage readers return a silently short volume when an uncompressed file is
  /// truncated; the rest of the buffer is whatever memory held. We refuse such files before reading.
  /// `voxels` counts voxels × components: for NIfTI the stored bytes follow the file's own `bitpix`, which differs
  /// from the in-memory type when ITK applies `scl_slope` (int16 on disk, float32 in memory).
  static func storedShortfall(headerPath: String, format: String, pixelBytes: Int, values: Int) -> (needed: Int, actual: Int)? {
    let lower = headerPath.lowercased()
    if format == "NIfTI" {
      let dataPath: String
      if lower.hasSuffix(".nii") {
        dataPath = headerPath
      } else if lower.hasSuffix(".hdr"), let img = dataFile(headerPath: headerPath), img.lowercased().hasSuffix(".img") {
        dataPath = img
      } else {
        return nil
      }
      guard let layout = niftiLayout(headerPath), let size = fileSize(dataPath), !isGzip(dataPath) else { return nil }
      let start = dataPath == headerPath ? layout.offset : 0
      let (stored, overflow) = values.multipliedReportingOverflow(by: layout.bitsPerValue / 8)
      guard !overflow, layout.bitsPerValue % 8 == 0, layout.bitsPerValue > 0 else { return nil }
      return size < start + stored ? (start + stored, size) : nil
    }
    if format == "MetaImage", lower.hasSuffix(".mha") || lower.hasSuffix(".mhd") {
      guard let layout = metaImageLayout(headerPath), let size = fileSize(layout.dataPath) else { return nil }
      // Compressed data declares its length (CompressedDataSize); ITK's reader inflates what is there without checking.
      guard let stored = layout.compressed ? layout.compressedBytes : pixelBytes else { return nil }
      return size < layout.offset + stored ? (layout.offset + stored, size) : nil
    }
    return nil
  }

  static func isGzip(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let magic = (try? handle.read(upToCount: 2)) ?? Data()
    return magic == Data([0x1f, 0x8b])
  }

  /// NIfTI-1 `vox_offset` (bytes 108-111, float) and `bitpix` (bytes 72-73) of an uncompressed file, in the
  /// header's byte order; bitpix is divided by the components of RGB types, so it counts one stored value.
  static func niftiLayout(_ path: String) -> (offset: Int, bitsPerValue: Int)? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let data = try? handle.read(upToCount: 348), data.count == 348 else { return nil }
    let bytes = [UInt8](data)
    let little = bytes[0] == 0x5c && bytes[1] == 0x01 // 348 little-endian
    func word(_ range: Range<Int>) -> UInt32 {
      let raw = bytes[range]
      return little ? raw.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : raw.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
    let offset = Float(bitPattern: word(108..<112))
    guard offset.isFinite, offset >= 0 else { return nil }
    let datatype = Int(word(70..<72))
    var bits = Int(word(72..<74))
    if datatype == 128 { bits /= 3 } // RGB24: three u8 values per voxel
    if datatype == 2304 { bits /= 4 } // RGBA32
    return (max(Int(offset), 348), bits)
  }

  /// Where a MetaImage's pixels are: the data file, the byte offset of the pixels in it, and whether they are
  /// compressed. nil for lists, patterns and explicit header sizes.
  static func metaImageLayout(_ path: String) -> (dataPath: String, offset: Int, compressed: Bool, compressedBytes: Int?)? {
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
        return (value.hasPrefix("/") ? value : folder.appendingPathComponent(value).path, 0, compressed, compressedBytes)
      }
    }
    return nil
  }
}
