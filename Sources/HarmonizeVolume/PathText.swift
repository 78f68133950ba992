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
}
