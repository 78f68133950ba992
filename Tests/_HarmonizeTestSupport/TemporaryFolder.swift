import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is dropped.
public final class TemporaryFolder: @unchecked Sendable {
  /// Absolute path of the folder.
  public let path: String

  public init(_ label: String = "test") {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("harmonize-\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  /// `path/name`.
  public func file(_ name: String) -> String { path + "/" + name }

  /// Names in the folder, hidden ones included, sorted.
  public var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}
