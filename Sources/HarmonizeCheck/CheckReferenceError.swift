/// A reference (fingerprint, nnU-Net dataset or model folder) or an input that cannot be used at all; exit 2.
public struct CheckReferenceError: Error, CustomStringConvertible, Equatable, Sendable {
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
