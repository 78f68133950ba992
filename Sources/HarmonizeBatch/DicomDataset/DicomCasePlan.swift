import Foundation
import HarmonizeVolume

/// A channel of a per-study case: the series whose SeriesDescription matches `pattern` (a regular expression,
/// case-insensitive), named `name` in dataset.json.
public struct DicomChannelRule: Sendable, Equatable {
  public var name: String
  public var pattern: String

  /// Parses `NAME=REGEX`.
  public init(_ text: String) throws(BatchError) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
      throw BatchError(text, "a channel rule is NAME=REGEX (e.g. T1='t1.*mprage')")
    }
    name = String(text[..<equals])
    pattern = String(text[text.index(after: equals)...])
    guard (try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])) != nil else {
      throw BatchError(text, "'\(pattern)' is not a valid regular expression")
    }
  }

  func matches(_ description: String) -> Bool {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return false }
    return regex.firstMatch(in: description, range: NSRange(description.startIndex..., in: description)) != nil
  }
}

/// One series as a channel of a case: where to read it and who it belongs to (for the mapping file).
public struct DicomSeriesSource: Codable, Sendable, Equatable {
  /// `FOLDER#SERIES_UID`, FOLDER the series' files' common folder: what every image reader takes.
  public var reference: String
  public var seriesUID: String
  public var seriesNumber: Int?
  public var description: String
  public var modality: String
  public var patientID: String
  public var studyUID: String
  /// The series' files, relative to the tree, with their sizes and modification times folded into one digest: a
  /// resume redoes the case when any file is added, removed or changed.
  public var digest: String
}

/// A case to write: its id, and one series per channel.
public struct DicomCase: Sendable, Equatable {
  public var id: String
  public var channels: [DicomSeriesSource]
  /// What identifies the case across runs: its series' UIDs (ids are kept for known keys).
  public var key: String { channels.map(\.seriesUID).joined(separator: "+") }
}

/// Turns a DICOM tree into nnU-Net cases: one per series, or, with channel rules, one per study with a series per
/// channel. Series that cannot be stacked, and studies that miss a channel or match it twice, are failures, each
/// naming its series and why.
public struct DicomCasePlan: Sendable {
  public var cases: [DicomCase]
  public var failures: [BatchSummary.Failure]
  /// Series left aside on purpose (localizer-only series, series no channel rule asks for).
  public var skipped: [String]
  /// dataset.json's channel names, by index.
  public var channelNames: [String]

  /// - Parameter known: case ids of earlier runs by case key (the mapping file): a known case keeps its id, new ones
  ///   take the next numbers.
  public static func plan(
    root: String, rules: [DicomChannelRule], prefix: String, known: [String: String]
  ) throws(BatchError) -> DicomCasePlan {
    let scan: DicomScan
    do { scan = try DicomScan.scan(root, limit: 50_000_000) } catch { throw BatchError(root, error.detail) }
    var failures = scan.unreadable.map {
      BatchSummary.Failure(
        input: relative($0.path, root), error: "cannot be read, so no series can claim it: \($0.detail)")
    }
    var skipped: [String] = []
    var usable: [(DicomSeries, DicomSeriesSource)] = []
    for series in scan.series {
      let label = "series \(series.number.map(String.init) ?? "?") '\(series.description)' (\(series.uid))"
      if series.slices.allSatisfy(\.isLocalizer) {
        skipped.append("\(label): localizer images only")
        continue
      }
      let stack = DicomStack(series)
      if !stack.problems.isEmpty {
        failures.append(.init(input: label, error: stack.problems.joined(separator: "; ")))
        continue
      }
      usable.append((series, source(series, root: root)))
    }
    usable.sort {
      ($0.1.patientID, $0.1.studyUID, $0.1.seriesNumber ?? Int.max, $0.1.seriesUID)
        < ($1.1.patientID, $1.1.studyUID, $1.1.seriesNumber ?? Int.max, $1.1.seriesUID)
    }
    var groups: [[DicomSeriesSource]] = []
    var channelNames: [String]
    if rules.isEmpty {
      groups = usable.map { [$0.1] }
      let modalities = Set(usable.map(\.1.modality))
      channelNames = [modalities.count == 1 ? modalities.first! : "image"]
    } else {
      channelNames = rules.map(\.name)
      let studies = Dictionary(grouping: usable.map(\.1), by: \.studyUID)
      for study in studies.keys.sorted() {
        let members = studies[study]!
        var channels: [DicomSeriesSource] = []
        var problem: String?
        for rule in rules {
          let matching = members.filter { rule.matches($0.description) }
          if matching.count != 1 {
            problem =
              "\(matching.isEmpty ? "no series matches" : "\(matching.count) series match") channel \(rule.name) (/\(rule.pattern)/); its series: "
              + members.map { "'\($0.description)'" }.joined(separator: ", ")
            break
          }
          channels.append(matching[0])
        }
        if let problem {
          failures.append(.init(input: "study \(study)", error: problem))
        } else {
          groups.append(channels)
          for member in members where !channels.contains(member) {
            skipped.append("series '\(member.description)' (\(member.seriesUID)): no channel rule asks for it")
          }
        }
      }
    }
    // Known cases keep their ids; new ones continue the numbering.
    var next = (known.values.compactMap { Int($0.dropFirst(prefix.count + 1)) }.max() ?? 0) + 1
    var cases: [DicomCase] = []
    for channels in groups {
      var c = DicomCase(id: "", channels: channels)
      if let id = known[c.key] {
        c.id = id
      } else {
        c.id = prefix + "_" + String(format: "%03d", next)
        next += 1
      }
      cases.append(c)
    }
    return DicomCasePlan(
      cases: cases.sorted { $0.id < $1.id }, failures: failures, skipped: skipped, channelNames: channelNames)
  }

  static func source(_ series: DicomSeries, root: String) -> DicomSeriesSource {
    let paths = series.slices.map(\.path).sorted()
    let folder = commonFolder(paths)
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for path in paths {
      var info = stat()
      let stamp = stat(path, &info) == 0 ? "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : "?"
      for byte in (relative(path, root) + "|" + stamp + "\n").utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
      }
    }
    let first = series.slices[0]
    return DicomSeriesSource(
      reference: DicomReference.path(folder, series: series.uid), seriesUID: series.uid, seriesNumber: series.number,
      description: series.description, modality: series.modality, patientID: first.patientID,
      studyUID: first.studyUID, digest: "\(paths.count):" + String(hash, radix: 16))
  }

  /// The deepest folder holding every path.
  static func commonFolder(_ paths: [String]) -> String {
    var parts = PathText.parent(paths[0]).split(separator: "/", omittingEmptySubsequences: false)
    for path in paths.dropFirst() {
      let other = PathText.parent(path).split(separator: "/", omittingEmptySubsequences: false)
      var n = 0
      while n < min(parts.count, other.count) && parts[n] == other[n] { n += 1 }
      parts = Array(parts.prefix(n))
    }
    let joined = parts.joined(separator: "/")
    return joined.isEmpty ? (paths[0].hasPrefix("/") ? "/" : ".") : joined
  }

  static func relative(_ path: String, _ root: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }
}
