import Foundation

/// Checks a file ITK has just written before it is renamed into place.
///
/// Why: ITK 5.2's NIfTI and MetaImage writers ignore failed writes, so on a full disk they report success for a cut
/// file (NRRD's writer notices). Every written file is flushed with `fsync` (which also reports errors the kernel
/// deferred), and the result is read back: the pixel bytes of an uncompressed file must all be there; a compressed
/// file is read whole, which checks its stream to the end.
enum WriteVerification {
  /// - Throws: `ImageFileError` naming `finalPath`: the flush failed, or the file is short or unreadable.
  static func verify(temporaryPath: String, finalPath: String, header: ImageHeader) throws(ImageFileError) {
    let folder = PathText.parent(temporaryPath)
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
      let fd = open(folder + "/" + name, O_RDONLY)
      guard fd >= 0 else { continue }
      defer { close(fd) }
      if fsync(fd) != 0 && errno != EINVAL {
        throw ImageFileError(path: finalPath, reason: .io("write failed: \(String(cString: strerror(errno)))"))
      }
    }
    let bytes = header.pixelByteCount ?? 0
    let values = bytes / max(header.pixelType.byteCount, 1)
    if let short = OnDiskData.storedShortfall(
      headerPath: temporaryPath, format: formatOf(temporaryPath), pixelBytes: bytes,
      values: values)
    {
      throw ImageFileError(
        path: finalPath,
        reason: .io(
          "write failed: only \(short.actual) of \(short.needed) bytes reached the disk\(diskFull(folder) ? " (No space left on device)" : "")"
        ))
    }
    try checkHeader(temporaryPath: temporaryPath, finalPath: finalPath, header: header)
    do throws(ImageFileError) {
      if isCompressed(temporaryPath) { _ = try ImageFile.read(at: temporaryPath) }
    } catch {
      throw ImageFileError(
        path: finalPath,
        reason: .io(
          "write failed: the written file does not read back (\(error.detail))\(diskFull(folder) ? " (No space left on device)" : "")"
        ))
    }
  }

  /// Reads the written header back and compares it with what was meant: same size, components and pixel type;
  /// spacing and origin within 1e-4 relative (NIfTI stores float32), direction within 1e-4. A format that cannot
  /// hold the geometry is an error before the rename, never a wrong file in place.
  /// - Throws: `ImageFileError` naming `finalPath`.
  static func checkHeader(temporaryPath: String, finalPath: String, header: ImageHeader) throws(ImageFileError) {
    let written: ImageHeader
    do {
      written = try ImageFile.readHeader(at: temporaryPath)
    } catch {
      let folder = PathText.parent(temporaryPath)
      throw ImageFileError(
        path: finalPath,
        reason: .io(
          "write failed: the written file does not read back (\(error.detail))\(diskFull(folder) ? " (No space left on device)" : "")"
        ))
    }
    guard written.geometry.size == header.geometry.size, written.components == header.components else {
      throw ImageFileError(path: finalPath, reason: .io("write failed: the written header does not match the image"))
    }
    if let difference = written.geometry.difference(from: header.geometry) {
      throw ImageFileError(
        path: finalPath, reason: .invalidArgument("this format cannot store the geometry: written \(difference)"))
    }
  }

  /// A failed write's reason, with "(No space left on device)" added when the disk of `path` is full and the writer
  /// did not say so (NRRD's "fwrite wrote only ...").
  static func withDiskFullHint(_ reason: ImageFileError.Reason, _ path: String) -> ImageFileError.Reason {
    guard case .io(let text) = reason, !text.lowercased().contains("no space"),
      diskFull(PathText.parent(path))
    else { return reason }
    return .io(text + " (No space left on device)")
  }

  /// The format name `storedShortfall` expects, from the file name.
  private static func formatOf(_ path: String) -> String { ImageFormat(path: path)?.family ?? "" }

  /// Whether pixel data may be deflated: gzip-named files, NRRD (its encoding line says) and compressed MetaImage.
  private static func isCompressed(_ path: String) -> Bool {
    guard let format = ImageFormat(path: path) else { return true }
    if format.isGzipped { return true }
    if format.family == "MetaImage" { return OnDiskData.metaImageLayout(path)?.compressed ?? true }
    return format != .nifti && format != .niftiPair && format != .niftiPairData
  }

  /// Whether the filesystem of `folder` has (almost) no space left for unprivileged writers.
  private static func diskFull(_ folder: String) -> Bool {
    var info = statvfs()
    return statvfs(folder, &info) == 0 && Int(info.f_bavail) * Int(info.f_frsize) < 64 * 1024
  }
}
