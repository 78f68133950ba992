import Foundation
import HarmonizeVolume

/// The files of one case, grouped by nnU-Net's naming rule: `{CASE}_{XXXX}{file_ending}` for channel XXXX.
public struct CaseFiles: Sendable, Equatable {
  /// The case identifier (the name without `_XXXX` and the ending; the whole stem for a plain file).
  public var id: String
  /// Channel index → path. A plain file without `_XXXX` is channel 0 with `hasChannelSuffix` false.
  public var channels: [Int: String]
  /// The file ending of the channel files, e.g. ".nii.gz" (the first one seen when they differ).
  public var fileEnding: String
  /// Every distinct ending among the channel files.
  public var endings: Set<String>
  /// False when the file name has no `_XXXX` channel suffix.
  public var hasChannelSuffix: Bool
  /// The label file of the case, when one was found.
  public var label: String?
  /// Files naming a channel another file of the case already names with another ending (`CASE_0000.nii` beside
  /// `CASE_0000.nii.gz`); `channels` keeps the one sorted last.
  public var shadowed: [String] = []

  /// Channel indices, ascending.
  public var channelIndices: [Int] { channels.keys.sorted() }
  /// Channel paths in channel order.
  public var paths: [String] { channelIndices.map { channels[$0]! } }
}

/// Finds image files and groups them into cases.
public enum CaseScanner {
  /// The image ending of a file name (`ImageFormat.caseFormats`), or nil when it is not an image harmonize collects.
  public static func ending(of name: String) -> String? {
    ImageFormat(path: name).flatMap { ImageFormat.caseFormats.contains($0) ? $0.ending : nil }
  }

  /// Image files directly inside a folder (not recursive, as nnU-Net's input folders), sorted by name.
  /// A subfolder that holds a DICOM series is an image too (one case, named after the folder).
  public static func imageFiles(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted().map { PathText.join(folder, $0) }.filter {
      ending(of: PathText.name($0)) != nil || DicomReference.looksLikeSeriesFolder($0)
    }
  }

  /// Groups image files into cases by nnU-Net's `_XXXX` channel suffix; a file without one is a single-channel
  /// case of its own. Cases come back sorted by identifier.
  public static func group(_ files: [String]) -> [CaseFiles] {
    var cases: [String: CaseFiles] = [:]
    for path in files {
      let name = PathText.name(path)
      // A DICOM series (a folder, FOLDER#SERIES) has no ending: its case is its name.
      guard let ending = ending(of: name) ?? (DicomReference(path: path) != nil ? "" : nil) else { continue }
      let stem = String(name.dropLast(ending.count))
      let parts = splitChannel(stem)
      let id = parts?.id ?? stem
      var entry =
        cases[id] ?? CaseFiles(id: id, channels: [:], fileEnding: ending, endings: [], hasChannelSuffix: parts != nil)
      let channel = parts?.channel ?? (entry.channels.keys.max().map { $0 + 1 } ?? 0)
      if let taken = entry.channels[channel], taken != path { entry.shadowed.append(taken) }
      entry.channels[channel] = path
      entry.endings.insert(ending)
      entry.hasChannelSuffix = entry.hasChannelSuffix && parts != nil
      cases[id] = entry
    }
    return cases.values.sorted { $0.id < $1.id }
  }

  /// Attaches label files (`{CASE}{ending}`) from a folder to the cases that have one.
  public static func attachLabels(_ cases: inout [CaseFiles], from folder: String) {
    var byID: [String: String] = [:]
    for path in imageFiles(in: folder) {
      let name = PathText.name(path)
      if let ending = ending(of: name) { byID[String(name.dropLast(ending.count))] = path }
    }
    for index in cases.indices { cases[index].label = byID[cases[index].id] }
  }

  /// `CASE_0003` → ("CASE", 3); nil without a four-digit suffix.
  static func splitChannel(_ stem: String) -> (id: String, channel: Int)? {
    let chars = Array(stem)
    guard chars.count >= 6, chars[chars.count - 5] == "_" else { return nil }
    let digits = chars.suffix(4)
    guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let channel = Int(String(digits)) else { return nil }
    return (String(chars.prefix(chars.count - 5)), channel)
  }
}
