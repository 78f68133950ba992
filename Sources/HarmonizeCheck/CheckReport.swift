/// The result of `harmonize check`: findings per case, memory per case, and the nnU-Net settings that fit.
public struct CheckReport: Codable, Sendable {
  /// Report format version (JSON output).
  public var version = 1
  public var reference: String
  /// `nnunet-raw`, `folder`, `nnunet-model`, or `harmonize fingerprint`.
  public var referenceKind: String
  /// The nnU-Net configuration whose plan spacing was used, when the reference has plans.
  public var configuration: String?
  /// The spacing nnU-Net resamples inputs to, ITK order, mm.
  public var targetSpacing: [Double]
  /// Notes about what the reference cannot tell (no orientation in nnU-Net's fingerprint, ...).
  public var referenceNotes: [String]
  public var cases: [CaseReport]
  /// Settings for the largest case; nil when no case could be estimated.
  public var memoryAdvice: MemoryAdvice?
  /// One line per input that could not be read at all.
  public var unreadable: [String]

  public var errorCount: Int { count(.error) }
  public var warningCount: Int { count(.warning) }
  public var noteCount: Int { count(.note) }

  private func count(_ severity: Severity) -> Int {
    cases.reduce(0) { $0 + $1.findings.filter { $0.severity == severity }.count }
  }

  enum CodingKeys: String, CodingKey {
    case version, reference, referenceKind, configuration, targetSpacing, referenceNotes, cases, memoryAdvice,
      unreadable
    case summary
  }

  struct Summary: Codable {
    var cases: Int
    var errors: Int
    var warnings: Int
    var notes: Int
  }

  public init(
    reference: String, referenceKind: String, configuration: String?, targetSpacing: [Double],
    referenceNotes: [String], cases: [CaseReport], memoryAdvice: MemoryAdvice?, unreadable: [String]
  ) {
    self.reference = reference
    self.referenceKind = referenceKind
    self.configuration = configuration
    self.targetSpacing = targetSpacing
    self.referenceNotes = referenceNotes
    self.cases = cases
    self.memoryAdvice = memoryAdvice
    self.unreadable = unreadable
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    version = try c.decode(Int.self, forKey: .version)
    reference = try c.decode(String.self, forKey: .reference)
    referenceKind = try c.decode(String.self, forKey: .referenceKind)
    configuration = try c.decodeIfPresent(String.self, forKey: .configuration)
    targetSpacing = try c.decode([Double].self, forKey: .targetSpacing)
    referenceNotes = try c.decode([String].self, forKey: .referenceNotes)
    cases = try c.decode([CaseReport].self, forKey: .cases)
    memoryAdvice = try c.decodeIfPresent(MemoryAdvice.self, forKey: .memoryAdvice)
    unreadable = try c.decode([String].self, forKey: .unreadable)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(version, forKey: .version)
    try c.encode(reference, forKey: .reference)
    try c.encode(referenceKind, forKey: .referenceKind)
    try c.encodeIfPresent(configuration, forKey: .configuration)
    try c.encode(targetSpacing, forKey: .targetSpacing)
    try c.encode(referenceNotes, forKey: .referenceNotes)
    try c.encode(cases, forKey: .cases)
    try c.encodeIfPresent(memoryAdvice, forKey: .memoryAdvice)
    try c.encode(unreadable, forKey: .unreadable)
    try c.encode(
      Summary(cases: cases.count, errors: errorCount, warnings: warningCount, notes: noteCount), forKey: .summary)
  }
}

/// One prediction input case.
public struct CaseReport: Codable, Sendable {
  public var id: String
  /// Channel files in channel order.
  public var files: [String]
  public var label: String?
  public var findings: [Finding]
  /// nnU-Net's memory for this case; nil when its headers could not be read.
  public var memory: CaseMemory?

  /// The worst severity found, nil when clean.
  public var worst: Severity? { findings.map(\.severity).max() }
}

/// A case's sizes and nnU-Net prediction memory (bytes).
public struct CaseMemory: Codable, Sendable {
  /// Spatial size of the input, ITK order.
  public var size: [Int]
  /// After nnU-Net's crop to the non-zero region (the input size when pixels were not read).
  public var croppedSize: [Int]
  /// At the plan spacing: what the network sees.
  public var predictedSize: [Int]
  public var estimate: PredictionMemory
}
