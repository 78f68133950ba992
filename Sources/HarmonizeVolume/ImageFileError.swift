/// Why an image file could not be read or written, with the file's path: one line, `"path: reason"`.
public struct ImageFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, in a form a program can switch on.
  public enum Reason: Error, Equatable, Sendable {
    /// The path does not exist.
    case notFound
    /// No reader or writer handles this file or name, or its pixel kind is not supported.
    case unsupportedFormat(String)
    /// The file claims to be an image but its header or data make no sense (truncated, garbage, ...).
    case corrupt(String)
    /// The image would need more memory than allowed or than 64 bits can count.
    case tooLarge(String)
    /// The header's geometry breaks a rule (spacing ≤ 0, NaN origin, singular direction, ...).
    case invalidGeometry(String)
    /// The operating system refused a read or write (permissions, missing folder, disk full, ...).
    case io(String)
    /// The caller asked for something inconsistent.
    case invalidArgument(String)
    /// Anything else, with the underlying library's text.
    case `internal`(String)
  }

  /// The file the error is about, as the caller named it.
  public var path: String
  /// What went wrong.
  public var reason: Reason

  public init(path: String, reason: Reason) {
    self.path = path
    self.reason = reason
  }

  /// The reason alone, without the path.
  public var detail: String {
    switch reason {
    case .notFound: "no such file"
    case .unsupportedFormat(let text), .corrupt(let text), .tooLarge(let text), .invalidGeometry(let text),
      .io(let text), .invalidArgument(let text):
      text
    case .internal(let text): "internal error: \(text)"
    }
  }

  public var description: String { "\(path): \(detail)" }
}
