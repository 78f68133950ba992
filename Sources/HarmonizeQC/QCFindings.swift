import HarmonizeCheck

/// `check`'s report as QC cases, or as findings added to QC cases of the same identifier.
public enum QCFindings {
  /// One QC case per checked case: its first channel, its label file, its findings.
  public static func cases(from report: CheckReport) -> [QCCase] {
    report.cases.map { QCCase(id: $0.id, image: $0.files.first, label: $0.label, findings: $0.findings) }
  }

  /// Adds each checked case's findings to the QC case with its identifier.
  public static func attach(_ report: CheckReport, to cases: inout [QCCase]) {
    var byID: [String: [Finding]] = [:]
    for checked in report.cases { byID[checked.id, default: []] += checked.findings }
    for index in cases.indices { cases[index].findings += byID[cases[index].id] ?? [] }
  }
}
