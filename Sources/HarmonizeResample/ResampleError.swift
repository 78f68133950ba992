/// Why a resample could not be planned or run; one line.
public struct ResampleError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Reason: Equatable, Sendable {
    /// The request breaks a rule (spacing ≤ 0, cap < 1, incompatible options, ...).
    case invalidRequest(String)
    /// The output or a working buffer cannot be had.
    case tooLarge(String)
  }
  public var reason: Reason
  public init(_ reason: Reason) { self.reason = reason }
  public var description: String {
    switch reason {
    case .invalidRequest(let text), .tooLarge(let text): text
    }
  }
}
