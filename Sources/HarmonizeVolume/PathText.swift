import Foundation

/// Path arithmetic on text, for the folder walks of batch, check and restore.
///
/// Why not `NSString`'s path methods: on Linux, swift-corelibs-foundation traps (illegal instruction) in
/// `deletingLastPathComponent` and `appendingPathComponent` for a one-character path such as `a`, so a dataset folder
/// named `a` crashed `batch`. These work on `/`-separated text and never trap.
public enum PathText {
  /// `folder/name`; `name` alone when `folder` is empty; no doubled `/`.
  public static func join(_ folder: String, _ name: String) -> String {
    if folder.isEmpty { return name }
    if name.isEmpty { return folder }
    return folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// The folder part: `a/b` → `a`, `a` → ``, `/a` → `/`; trailing slashes are ignored.
  public static func parent(_ path: String) -> String {
    var text = Substring(path)
    while text.count > 1 && text.hasSuffix("/") { text = text.dropLast() }
    guard let slash = text.lastIndex(of: "/") else { return "" }
    if slash == text.startIndex { return "/" }
    return String(text[..<slash])
  }

  /// The last component: `a/b.nii.gz` → `b.nii.gz`, `a` → `a`; trailing slashes are ignored.
  public static func name(_ path: String) -> String {
    var text = Substring(path)
    while text.count > 1 && text.hasSuffix("/") { text = text.dropLast() }
    guard let slash = text.lastIndex(of: "/"), text.count > 1 else { return String(text) }
    return String(text[text.index(after: slash)...])
  }

  /// Whether `path`, with every link resolved on disk, lies inside `folder` (also resolved); false when either does
  /// not exist. Used to keep detached data files within their header's folder and a batch within its input.
  public static func isInside(_ path: String, folder: String) -> Bool {
    guard let resolved = realpath(path, nil) else { return false }
    defer { free(resolved) }
    guard let base = realpath(folder, nil) else { return false }
    defer { free(base) }
    let file = String(cString: resolved), root = String(cString: base)
    return file.hasPrefix(root == "/" ? "/" : root + "/")
  }
}
