import Foundation
import HarmonizeVolume

/// What a resume compares of an input: the size and modification time of the file a path resolves to (a symbolic
/// link is followed, so a changed target is noticed; the link's own size and time say nothing).
public struct FileIdentity: Equatable, Codable, Sendable {
  /// Bytes of the resolved file.
  public var bytes: Int
  /// Modification time of the resolved file, seconds since 1970 (nanoseconds kept).
  public var modified: Double

  public init?(_ path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    bytes = Int(info.st_size)
    modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
  }
}
