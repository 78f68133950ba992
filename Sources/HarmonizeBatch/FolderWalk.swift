import Foundation
import HarmonizeVolume

/// Every file below a folder, with every entry that could not be taken said out loud.
///
/// Why not `FileManager.enumerator`: it skips broken links, link loops, unreadable folders and names that are not
/// UTF-8 without a word, so `batch` used to finish with exit 0 having silently left files out. This walk reads the
/// raw directory entries, follows links to files and folders (nnU-Net users link raw data), visits each real folder
/// once, and lists what it cannot take with the reason. Hidden entries (a leading dot) are skipped, as before.
struct FolderWalk {
  /// Paths of regular files (or links to them) relative to the root, sorted.
  var files: [String] = []
  /// Entries that cannot be taken: relative path (non-UTF-8 bytes shown as `\xNN`) and the reason.
  var problems: [(path: String, reason: String)] = []
  /// FIFOs, sockets and devices, relative (left out; a problem when their name is an image's).
  var special: [String] = []

  init(root: String) {
    var visited = Set<[UInt64]>()
    var rootInfo = stat()
    if stat(root, &rootInfo) == 0 { visited.insert([UInt64(rootInfo.st_dev), UInt64(rootInfo.st_ino)]) }
    walk(root, relative: "", visited: &visited)
    files.sort()
  }

  private mutating func walk(_ folder: String, relative: String, visited: inout Set<[UInt64]>) {
    guard let directory = opendir(folder) else {
      problems.append(
        (relative.isEmpty ? "." : relative, "cannot list the folder: \(String(cString: strerror(errno)))"))
      return
    }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
      let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
      if bytes.first == UInt8(ascii: ".") { continue }
      names.append(bytes)
    }
    for bytes in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      guard let name = String(validating: bytes, as: UTF8.self) else {
        let shown = bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
        problems.append((PathText.join(relative, shown), "the file name is not valid UTF-8; rename it"))
        continue
      }
      let path = PathText.join(folder, name)
      let child = PathText.join(relative, name)
      var info = stat()
      if stat(path, &info) != 0 {
        let reason =
          errno == ELOOP
          ? "a symbolic link loop"
          : errno == ENOENT
            ? "a broken symbolic link (its target is missing)"
            : "cannot be examined: \(String(cString: strerror(errno)))"
        problems.append((child, reason))
        continue
      }
      switch info.st_mode & S_IFMT {
      case S_IFREG:
        files.append(child)
      case S_IFDIR:
        let key = [UInt64(info.st_dev), UInt64(info.st_ino)]
        guard !visited.contains(key) else {
          problems.append((child, "a folder already walked (a link to it or to a folder above it): left out"))
          continue
        }
        visited.insert(key)
        walk(path, relative: child, visited: &visited)
      default:
        special.append(child)
      }
    }
  }
}
