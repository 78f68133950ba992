import Foundation

/// Small non-image outputs (fingerprints, reports, sidecars) written with the same temporary-file-and-rename
/// rule as images: a reader sees the old file or the new one, never half of one.
public enum AtomicFile {
  /// Writes `data` to `path` through a temporary file in the same folder.
  /// - Throws: `ImageFileError` naming `path` when the folder is not writable or the write fails.
  public static func write(_ data: Data, to path: String) throws(ImageFileError) {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ImageFileError(path: path, reason: .io("the folder '\(folder)' does not exist"))
    }
    try AtomicWrite.replacing(path) { (temporary: String) throws(ImageFileError) in
      guard FileManager.default.createFile(atPath: temporary, contents: data) else {
        throw ImageFileError(path: path, reason: .io("cannot write: \(String(cString: strerror(errno)))"))
      }
    }
  }
}
