/// A batch that cannot start: a missing input folder, an output folder inside the input, bad options; exit 2.
public struct BatchError: Error, CustomStringConvertible, Equatable, Sendable {
  public var path: String
  public var reason: String
  public init(_ path: String, _ reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "\(path): \(reason)" }
}
