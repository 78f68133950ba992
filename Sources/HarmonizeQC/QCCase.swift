import HarmonizeCheck
import HarmonizeVolume

/// One case of a QC report: the image and label map to show, what they were made from (a resample's or a restore's
/// input), and what `check` or `batch` found.
public struct QCCase: Sendable {
  public var id: String
  /// The image shown (a multi-channel case shows its first channel).
  public var image: String?
  public var label: String?
  /// The files this case was made from, shown beside it ("before").
  public var beforeImage: String?
  public var beforeLabel: String?
  /// `check`'s findings, or a failed batch job's error as a finding.
  public var findings: [Finding]

  public init(
    id: String, image: String?, label: String? = nil, beforeImage: String? = nil, beforeLabel: String? = nil,
    findings: [Finding] = []
  ) {
    self.id = id
    self.image = image
    self.label = label
    self.beforeImage = beforeImage
    self.beforeLabel = beforeLabel
    self.findings = findings
  }
}

/// Something QC saw in a case's pixels.
public struct QCFlag: Codable, Sendable, Equatable {
  public var severity: Severity
  /// The label value concerned, if any.
  public var label: Int?
  public var message: String
}

/// One row of a case's label table: volumes in mL before and after.
public struct QCLabelRow: Sendable, Equatable {
  public var value: Int
  public var name: String?
  public var before: Double?
  public var after: Double?
  /// The worst flag about this label, shown in its row.
  public var flag: QCFlag?
}

/// A drawn case: its pictures (paths relative to the report folder) and everything its page shows.
public struct QCCaseResult: Sendable {
  public struct Picture: Sendable {
    /// "after", "before" or "image".
    public var title: String
    public var files: [String]
    public var description: String
  }
  public var id: String
  /// The page's file name inside `cases/`, unique in the report.
  public var page: String
  public var thumbnail: String?
  public var pictures: [Picture]
  public var geometry: [(title: String, text: String)]
  public var labels: [QCLabelRow]
  public var flags: [QCFlag]
  public var findings: [Finding]
  /// For comparisons across the dataset: per label, the centroid as a fraction 0...1 of the image's extent along
  /// L, P and S, and the mean intensity under it.
  var positions: [Int: [Double]] = [:]
  var intensities: [Int: Double] = [:]
  var windowWidth: Double?

  /// Worst severity among flags and findings.
  public var worst: Severity? { (flags.map(\.severity) + findings.map(\.severity)).max() }

  /// Adds a flag, and shows it in its label's row when that row shows none yet.
  mutating func add(_ flag: QCFlag) {
    flags.append(flag)
    if let label = flag.label, let row = labels.firstIndex(where: { $0.value == label }), labels[row].flag == nil {
      labels[row].flag = flag
    }
  }
}
