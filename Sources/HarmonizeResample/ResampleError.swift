/// Why a resample could not be planned or run; one line, naming the file when one is known.
public struct ResampleError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Reason: Equatable, Sendable {
    /// The request breaks a rule (spacing ≤ 0, cap < 1, incompatible options, ...).
    case invalidRequest(String)
    /// The output or a working buffer cannot be had.
    case tooLarge(String)
  }
  public var reason: Reason
  /// The input file being resampled, when the error arose for one (`FileResampler` sets it).
  public var path: String?
  public init(_ reason: Reason, path: String? = nil) {
    self.reason = reason
    self.path = path
  }

  /// This error about `path`, unless it already names a file.
  public func at(_ path: String) -> ResampleError { ResampleError(reason, path: self.path ?? path) }

  public var description: String {
    let text =
      switch reason {
      case .invalidRequest(let text), .tooLarge(let text): text
      }
    return path.map { "\($0): \(text)" } ?? text
  }
}
