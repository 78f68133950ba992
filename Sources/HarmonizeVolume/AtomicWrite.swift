import Foundation

/// Write-to-temporary-then-rename, for outputs that may be one file or a header plus data files.
///
/// The writer writes into a fresh hidden folder inside the destination folder, under the final file name (so a
/// detached header such as `.mhd` or `.nhdr` names its data file correctly). The files are then renamed into
/// the destination, data files first and the named file last, and the hidden folder is removed. `rename` within
/// one folder is atomic, so readers see the old file or the new one, never half of one. On any failure the
/// hidden folder and everything in it are removed.
enum AtomicWrite {
  /// Prefix of the hidden folders; a crashed run can leave one behind, and batch runs clean them up.
  static let temporaryPrefix = ".harmonize-tmp-"

  /// `path` has passed `ImageFile.checkWritable` (its caller, `ImageFile.write`, checks it first).
  static func replacing(_ path: String, write: (String) throws(ImageFileError) -> Void) throws(ImageFileError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let name = url.lastPathComponent
    var template = Array((folder + "/" + temporaryPrefix + "XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw ImageFileError(path: path, reason: .io("cannot create a temporary folder in '\(folder)': \(String(cString: strerror(errno)))"))
    }
    let temporaryFolder = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: temporaryFolder) }
    try write(temporaryFolder + "/" + name)
    let written = ((try? FileManager.default.contentsOfDirectory(atPath: temporaryFolder)) ?? []).sorted()
    guard written.contains(name) else {
      throw ImageFileError(path: path, reason: .internal("the writer reported success but wrote no file"))
    }
    for file in written.filter({ $0 != name }) + [name] {
      if rename(temporaryFolder + "/" + file, folder + "/" + file) != 0 {
        throw ImageFileError(path: path, reason: .io("cannot move the finished file into place: \(String(cString: strerror(errno)))"))
      }
    }
  }
}
