import Foundation

/// Write-to-temporary-then-rename, for outputs that may be one file or a header plus data files.
///
/// The writer writes into a fresh hidden folder inside the destination folder, under the final file name (so a
/// detached header such as `.mhd` or `.nhdr` names its data file correctly). The files are then renamed into
/// the destination, data files and companions (a sidecar) first and the named file last, and the hidden folder is
/// removed. `rename` within one folder is atomic, so readers see the old file or the new one, never half of one.
/// On any failure, and on SIGINT or SIGTERM, the hidden folder and everything in it are removed (`TemporaryFolders`);
/// folders a killed run left are swept once per command (`TemporaryFolders.removeStale`), not at every write.
enum AtomicWrite {
  /// `path` has passed `ImageFile.checkWritable` (its caller checks it first). `companions` are small files written
  /// beside the output under `path + suffix` (a sidecar): they land with it or not at all.
  static func replacing(
    _ path: String, companions: [String: Data] = [:],
    write: (String) throws(ImageFileError) -> Void
  ) throws(ImageFileError) {
    let folder = PathText.parent(path).isEmpty ? "." : PathText.parent(path)
    let name = PathText.name(path)
    var template = Array((folder + "/" + TemporaryFolders.prefix + "XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw ImageFileError(
        path: path, reason: .io("cannot create a temporary folder in '\(folder)': \(String(cString: strerror(errno)))"))
    }
    let temporaryFolder = String(cString: made)
    TemporaryFolders.register(temporaryFolder)
    defer {
      try? FileManager.default.removeItem(atPath: temporaryFolder)
      TemporaryFolders.unregister(temporaryFolder)
    }
    guard
      FileManager.default.createFile(
        atPath: PathText.join(temporaryFolder, TemporaryFolders.marker),
        contents: Data("\(getpid())\n".utf8))
    else {
      throw ImageFileError(path: path, reason: .io("cannot write in '\(folder)': \(String(cString: strerror(errno)))"))
    }
    try write(temporaryFolder + "/" + name)
    for (suffix, data) in companions {
      guard FileManager.default.createFile(atPath: temporaryFolder + "/" + name + suffix, contents: data) else {
        throw ImageFileError(
          path: path, reason: .io("cannot write \(name + suffix): \(String(cString: strerror(errno)))"))
      }
    }
    let written = ((try? FileManager.default.contentsOfDirectory(atPath: temporaryFolder)) ?? [])
      .filter { $0 != TemporaryFolders.marker }.sorted()
    guard written.contains(name) else {
      throw ImageFileError(path: path, reason: .internal("the writer reported success but wrote no file"))
    }
    // Only files `checkWritable` compared with the inputs may be moved into place.
    let expected = Set((ImageFormat(path: path)?.filesWritten(for: name) ?? [name]) + companions.keys.map { name + $0 })
    if let stray = written.first(where: { !expected.contains($0) }) {
      throw ImageFileError(
        path: path, reason: .internal("the writer also wrote '\(stray)', which was not checked; nothing was written"))
    }
    for file in written.filter({ $0 != name }) + [name] {
      if rename(temporaryFolder + "/" + file, folder + "/" + file) != 0 {
        throw ImageFileError(
          path: path, reason: .io("cannot move the finished file into place: \(String(cString: strerror(errno)))"))
      }
    }
  }
}
