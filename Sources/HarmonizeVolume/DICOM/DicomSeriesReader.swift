import Foundation

/// Reads a DICOM series (`DicomReference`) as one volume: scanned, selected, stacked and checked (`DicomStack`), then
/// every slice's stored values copied (`DicomRawPixels`) or decoded by GDCM and rescaled into its plane
/// (`DicomPixels`). A single multi-frame file's frames are placed by GDCM, as ITK's DICOM reader places them.
enum DicomSeriesReader {
  /// The checked stack `reference` names.
  /// - Throws: `ImageFileError` naming the folder and every geometry problem found, on one line.
  static func stack(_ reference: DicomReference) throws(ImageFileError) -> DicomStack {
    let scan = try DicomScanCache.shared.scan(reference.location)
    let series = try reference.select(in: scan)
    let stack = DicomStack(series)
    let name = reference.path
    if !stack.problems.isEmpty {
      throw ImageFileError(
        path: name,
        reason: .invalidGeometry(
          "DICOM series \(series.number.map(String.init) ?? series.uid) cannot be stacked: "
            + stack.problems.joined(separator: "; ")))
    }
    return stack
  }

  /// The one multi-frame file of a stack; nil for a stack of single-frame images.
  static func multiFrameFile(_ stack: DicomStack) -> DicomSlice? {
    stack.slices.count == 1 && stack.slices[0].frames > 1 ? stack.slices[0] : nil
  }

  static func header(_ reference: DicomReference) throws(ImageFileError) -> ImageHeader {
    try header(of: stack(reference), reference)
  }

  static func header(of stack: DicomStack, _ reference: DicomReference) throws(ImageFileError) -> ImageHeader {
    let name = reference.path
    guard let type = DicomPixels.outputType(stack.slices) else {
      throw ImageFileError(path: name, reason: .unsupportedFormat("unsupported DICOM pixel format"))
    }
    var geometry = stack.geometry
    if let file = multiFrameFile(stack) {
      // GDCM places the frames (per-frame functional groups, or the classic multi-frame tags), as ITK's reader does.
      geometry = try DicomBridge.frameGeometry(path: file.path).mapError { ImageFileError(path: file.path, reason: $0) }
        .get()
      guard geometry.size == [file.columns, file.rows, file.frames] else {
        throw ImageFileError(
          path: file.path,
          reason: .corrupt(
            "GDCM's grid \(formatList(geometry.size)) disagrees with Columns, Rows and NumberOfFrames (\(file.columns), \(file.rows), \(file.frames))"
          ))
      }
    }
    let problems = geometry.problems
    if !problems.isEmpty {
      throw ImageFileError(path: name, reason: .invalidGeometry(problems.joined(separator: "; ")))
    }
    return ImageHeader(format: "DICOM", geometry: geometry, pixelType: type, components: 1)
  }

  /// Slices decoded per batch of child processes: enough to amortise a fork, few enough to bound the staging memory.
  static let batchBytes = 16 << 20

  static func read(_ reference: DicomReference, maxBytes: Int) throws(ImageFileError) -> Volume {
    let stack = try stack(reference)
    let header = try header(of: stack, reference)
    let name = reference.path
    guard let bytes = header.pixelByteCount, bytes <= maxBytes else {
      throw ImageFileError(
        path: name, reason: .tooLarge("the series needs more than the limit of \(formatBytes(maxBytes)) for its pixels")
      )
    }
    guard let storage = PixelStorage(byteCount: bytes, zeroed: false) else {
      throw ImageFileError(path: name, reason: .tooLarge("cannot allocate \(formatBytes(bytes)) for its pixels"))
    }
    let fileValues = header.geometry.size[0] * header.geometry.size[1] * stack.slices[0].frames
    let fileBytes = fileValues * header.pixelType.byteCount
    let storedBytes = stack.slices[0].storedByteCount
    let perBatch = max(1, batchBytes / max(storedBytes, 1))
    let scratch = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, storedBytes * min(perBatch, stack.slices.count)), alignment: 16)
    defer { scratch.deallocate() }
    for start in stride(from: 0, to: stack.slices.count, by: perBatch) {
      let batch = Array(stack.slices[start..<min(start + perBatch, stack.slices.count)])
      for slice in batch where slice.storedByteCount != storedBytes {
        throw ImageFileError(path: slice.path, reason: .corrupt("its image size differs from the series'"))
      }
      // Uncompressed little-endian files are copied directly; GDCM decodes the others (in child processes).
      let others = batch.indices.filter {
        !DicomRawPixels.read(batch[$0], into: scratch + $0 * storedBytes, bytes: storedBytes)
      }
      if !others.isEmpty {
        let decoded = UnsafeMutableRawPointer.allocate(byteCount: others.count * storedBytes, alignment: 16)
        defer { decoded.deallocate() }
        let outcomes = try DicomBridge.readPixels(
          paths: others.map { batch[$0].path }, into: decoded, bytesEach: storedBytes
        ).mapError { ImageFileError(path: name, reason: $0) }.get()
        for (k, index) in others.enumerated() {
          if let reason = outcomes[k] { throw ImageFileError(path: batch[index].path, reason: reason) }
          (scratch + index * storedBytes).copyMemory(from: decoded + k * storedBytes, byteCount: storedBytes)
        }
      }
      for (offset, slice) in batch.enumerated() {
        DicomPixels.convert(
          scratch + offset * storedBytes, count: fileValues, of: slice, to: header.pixelType,
          at: storage.base + (start + offset) * fileBytes)
      }
    }
    return Volume(geometry: header.geometry, pixelType: header.pixelType, components: 1, storage: storage)
  }
}

/// Scans kept for the life of the process, reused while every file in the folder keeps its size and modification
/// time: a command reads a series' header, then its pixels, and each would otherwise parse every file again.
final class DicomScanCache: @unchecked Sendable {
  static let shared = DicomScanCache()
  private let lock = NSLock()
  private var entries: [String: (stamp: [String: [Int]], scan: DicomScan)] = [:]

  func scan(_ location: String) throws(ImageFileError) -> DicomScan {
    let (folder, files) = try DicomScan.files(of: location)
    let stamp = Self.stamp(files)
    lock.lock()
    let cached = entries[location]
    lock.unlock()
    if let cached, cached.stamp == stamp { return cached.scan }
    let scan = DicomScan.scan(folder: folder, files: files)
    lock.lock()
    entries[location] = (stamp, scan)
    lock.unlock()
    return scan
  }

  /// Size, modification time (ns) and inode of every file.
  static func stamp(_ files: [String]) -> [String: [Int]] {
    var stamp: [String: [Int]] = [:]
    for file in files {
      var info = stat()
      guard stat(file, &info) == 0 else { continue }
      stamp[file] = [
        Int(info.st_size), Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec), Int(info.st_ino),
      ]
    }
    return stamp
  }
}
