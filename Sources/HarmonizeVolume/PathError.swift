/// A file or folder that cannot be used, and why, in one line (`path: reason`): a batch that cannot start, a reference
/// that cannot be read. The CLI maps it to exit status 2.
public struct PathError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file or folder at fault.
  public var path: String
  /// What is wrong, in one line.
  public var reason: String

  public init(_ path: String, _ reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
}
