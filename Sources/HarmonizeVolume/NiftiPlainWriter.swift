import Foundation

/// Writes an uncompressed single-component `.nii`: ITK's own header (`citk_nifti_header`), then the pixel bytes with
/// `write`, every short write and error checked.
///
/// Why not ITK's writer: nifticlib ignores a failed write (it prints `** ERROR: NWAD: wrote only ...` to the terminal
/// and ITK reports success), so a full disk or a file-size limit gave a cut file and a stray line before ours; here
/// the error is the system's own ("File too large", "No space left on device") in our one line.
enum NiftiPlainWriter {
  static func write(_ volume: Volume, to path: String) throws(ImageFileError) {
    let header = try NiftiGzipWriter.niftiHeader(volume.header(), scratch: path + ".header.nii", finalPath: path)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw ImageFileError(path: path, reason: .io("cannot create: \(String(cString: strerror(errno)))"))
    }
    defer { close(fd) }
    do {
      try header.withUnsafeBytes { try writeAll(fd, $0, path) }
      try volume.withUnsafeBytes { try writeAll(fd, $0, path) }
    } catch let error as ImageFileError {
      throw error
    } catch {
      throw ImageFileError(path: path, reason: .internal("\(error)"))
    }
    if fsync(fd) != 0 && errno != EINVAL {
      throw ImageFileError(path: path, reason: .io("write failed: \(String(cString: strerror(errno)))"))
    }
  }

  /// `write` until every byte is out, retrying on EINTR; any other failure is the error.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws(ImageFileError) {
    var offset = 0
    while offset < bytes.count {
      let piece = min(bytes.count - offset, 1 << 30)
      let wrote = Foundation.write(fd, bytes.baseAddress! + offset, piece)
      if wrote < 0 && errno == EINTR { continue }
      guard wrote > 0 else {
        throw ImageFileError(
          path: path, reason: .io("write failed: \(String(cString: strerror(wrote < 0 ? errno : ENOSPC)))"))
      }
      offset += wrote
    }
  }
}
