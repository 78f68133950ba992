import Foundation
import HarmonizeVolume

/// What a resume compares of an input: the size and modification time of the file a path resolves to (a symbolic
/// link is followed, so a changed target is noticed; the link's own size and time say nothing); for a DICOM series,
/// the sum of its files' sizes plus their count, and the latest of their times.
public struct FileIdentity: Equatable, Codable, Sendable {
  /// Bytes of the resolved file.
  public var bytes: Int
  /// Modification time of the resolved file, seconds since 1970 (nanoseconds kept).
  public var modified: Double

  public init?(_ path: String) {
    // A DICOM series (a folder, FOLDER#SERIES): its files' total size and latest modification, not the folder's own.
    if DicomReference(path: path) != nil {
      guard let files = try? ImageFile.dataFiles(of: path), !files.isEmpty else { return nil }
      let identities = files.compactMap { FileIdentity(statOf: $0) }
      guard identities.count == files.count else { return nil }
      self.init(
        bytes: identities.reduce(0) { $0 + $1.bytes } + files.count, modified: identities.map(\.modified).max()!)
      return
    }
    self.init(statOf: path)
  }

  init(bytes: Int, modified: Double) {
    self.bytes = bytes
    self.modified = modified
  }

  /// The file's own size and time (a DICOM file is its own series: no recursion through the series rule).
  init?(statOf path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    self.init(bytes: Int(info.st_size), modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
  }
}
