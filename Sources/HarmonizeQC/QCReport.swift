import Foundation
import HarmonizeCheck
import HarmonizeVolume

/// A static HTML report of a dataset's cases: `index.html` (one thumbnail per case, a sortable table, worst cases
/// first) and one page per case under `cases/` (three views through the labels' centre with their outlines, before
/// and after side by side, the label volumes in mL, QC's flags and check's findings). Opens from disk: no server, no
/// network, no file outside the folder.
public enum QCReport {
  public struct Summary: Sendable {
    public var folder: String
    public var cases: Int
    public var flaggedCases: Int
    public var errors: Int
    public var warnings: Int
    /// The index page.
    public var index: String
  }

  /// Draws every case into `folder` (created when missing; earlier report files are replaced) and writes the pages.
  /// - Parameters:
  ///   - labelNames: label value → name, e.g. from dataset.json.
  ///   - title: the report's heading.
  /// - Throws: `ImageFileError` when the folder cannot be made or a page cannot be written.
  public static func write(
    _ cases: [QCCase], labelNames: [Int: String] = [:], title: String, to folder: String
  ) throws(ImageFileError) -> Summary {
    for sub in ["", "img", "cases"] {
      do {
        try FileManager.default.createDirectory(
          atPath: PathText.join(folder, sub), withIntermediateDirectories: true)
      } catch {
        throw ImageFileError(
          path: folder, reason: .io("cannot create the report folder: \(error.localizedDescription)"))
      }
    }
    var used: Set<String> = []
    var results: [QCCaseResult] = []
    for input in cases {
      var page = String(input.id.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
      if page.isEmpty || page.hasPrefix(".") { page = "case" + page }
      let stem = page
      var counter = 2
      while used.contains(page.lowercased()) {
        page = "\(stem)-\(counter)"
        counter += 1
      }
      used.insert(page.lowercased())
      results.append(QCCaseRenderer.render(input, page: page, labelNames: labelNames, report: folder))
    }
    DatasetComparison.flag(&results)
    results.sort { rank($0.worst) != rank($1.worst) ? rank($0.worst) > rank($1.worst) : $0.id < $1.id }
    for result in results {
      try AtomicFile.write(
        Data(QCPages.casePage(result, title: title).utf8), to: PathText.join(folder, "cases/\(result.page).html"))
    }
    let index = PathText.join(folder, "index.html")
    try AtomicFile.write(Data(QCPages.overview(results, title: title).utf8), to: index)
    let all = results.flatMap { $0.flags.map(\.severity) + $0.findings.map(\.severity) }
    return Summary(
      folder: folder, cases: results.count, flaggedCases: results.filter { rank($0.worst) >= 2 }.count,
      errors: all.filter { $0 == .error }.count, warnings: all.filter { $0 == .warning }.count, index: index)
  }

  /// A case's worst severity as a number to sort by: 3 error, 2 warning, 1 note, 0 clean.
  static func rank(_ worst: Severity?) -> Int {
    switch worst {
    case .error: return 3
    case .warning: return 2
    case .note: return 1
    case nil: return 0
    }
  }
}
