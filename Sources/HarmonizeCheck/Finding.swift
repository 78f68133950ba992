/// How much a finding matters. Errors make `check` exit 1.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
  /// Worth knowing; nothing will go wrong because of it.
  case note
  /// nnU-Net will run, but the result or the memory use may suffer.
  case warning
  /// nnU-Net will fail, skip the case, or predict it wrongly.
  case error

  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
  private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
}

/// One thing a check found about one case: data, not an error.
public struct Finding: Codable, Sendable, Equatable {
  public var severity: Severity
  /// The check's name: `channels`, `file-ending`, `read`, `channel-geometry`, `dimension`, `components`,
  /// `spacing`, `size`, `pixel-type`, `orientation`, `non-finite`, `intensity`, `labels`, `label-geometry`, `memory`.
  public var check: String
  /// What is wrong and what it will cause, in one sentence or two.
  public var message: String
  /// The value found.
  public var measured: String?
  /// The value or range the reference expects.
  public var expected: String?
  /// A command or action that repairs it.
  public var fix: String?
  /// For `intensity-shift`: the score (`IntensityShift`: median robust z of the percentiles against the training
  /// cases) and the likely cause (`offset`, `scale`, `inverted`, `swapped`, `clipped`, `modality`, `noise`, `bias`,
  /// `unlike`).
  public var score: Double? = nil
  public var cause: String? = nil

  public init(
    _ severity: Severity, _ check: String, _ message: String, measured: String? = nil,
    expected: String? = nil, fix: String? = nil
  ) {
    self.severity = severity
    self.check = check
    self.message = message
    self.measured = measured
    self.expected = expected
    self.fix = fix
  }
}
