import Foundation

/// A DICOM series given where an image file is expected: a folder (searched recursively), a DICOMDIR, a DICOM file
/// (a slice, or a multi-frame volume), or any of them followed by `#SERIES`, where SERIES is a SeriesInstanceUID or a
/// SeriesNumber (what `--series` builds). A folder that holds one series (localizers aside) needs no selector.
public struct DicomReference: Sendable, Hashable {
  /// The folder, or the DICOMDIR, as given.
  public let location: String
  /// The series asked for; nil when the folder must hold exactly one.
  public let series: String?

  /// The reference `path` makes; nil when `path` names no folder, DICOMDIR or DICOM file (an image file, say).
  public init?(path: String) {
    if Self.isLocation(path) {
      location = path
      series = nil
      return
    }
    guard !FileManager.default.fileExists(atPath: path), let mark = path.lastIndex(of: "#") else { return nil }
    let base = String(path[..<mark]), selector = String(path[path.index(after: mark)...])
    guard !selector.isEmpty, Self.isLocation(base) else { return nil }
    location = base
    series = selector
  }

  /// `location` with `series` selected, as a path every image command takes.
  public static func path(_ location: String, series: String?) -> String {
    series.map { location + "#" + $0 } ?? location
  }

  /// This reference as a path (`FOLDER` or `FOLDER#SERIES`).
  public var path: String { Self.path(location, series: series) }

  /// Whether `path` is a folder, a DICOMDIR file or a DICOM Part-10 file without an image file's ending.
  static func isLocation(_ path: String) -> Bool {
    if DicomScan.isFolder(path) { return true }
    guard FileManager.default.fileExists(atPath: path) else { return false }
    return PathText.name(path).uppercased() == "DICOMDIR"
      || (ImageFormat(path: path) == nil && DicomSlice.hasPart10Prefix(path))
  }

  /// The series this reference names in `scan`.
  /// - Throws: `ImageFileError` naming the location when the folder holds no DICOM image, when a file in it cannot be
  ///   read, when the selector matches no series, or when several series are there and none was chosen (they are
  ///   listed, with how to choose).
  public func select(in scan: DicomScan) throws(ImageFileError) -> DicomSeries {
    if let bad = scan.unreadable.first {
      throw ImageFileError(
        path: bad.path,
        reason: .corrupt(
          "in DICOM folder \(location): \(bad.detail)\(scan.unreadable.count > 1 ? " (and \(scan.unreadable.count - 1) more unreadable files)" : ""); move it aside to convert the rest"
        ))
    }
    let all = scan.series
    guard !all.isEmpty else { throw Self.noImage(location, scan) }
    if let series {
      let matching = all.filter { $0.matches(series) }
      guard matching.count == 1 else {
        throw ImageFileError(
          path: location,
          reason: .invalidArgument(
            (matching.isEmpty
              ? "no series '\(series)' here"
              : "\(matching.count) series have number \(series): give the SeriesInstanceUID")
              + "; the series are " + Self.list(all)))
      }
      return matching[0]
    }
    // Localizer-only series (scouts saved as their own series) do not count when one real series remains.
    let real = all.filter { !$0.slices.allSatisfy(\.isLocalizer) }
    if all.count == 1 { return all[0] }
    if real.count == 1 { return real[0] }
    throw ImageFileError(
      path: location,
      reason: .invalidArgument(
        "holds \(all.count) DICOM series: choose one with --series NUMBER|UID (harmonize info lists them): "
          + Self.list(all)))
  }

  /// A location with no DICOM image: a folder of other files, a DICOM object that is no image (a DICOMDIR, a report,
  /// an RT structure set, a DICOM Segmentation, which is not read).
  static func noImage(_ location: String, _ scan: DicomScan) -> ImageFileError {
    ImageFileError(
      path: location,
      reason: .unsupportedFormat(
        DicomScan.isFolder(location)
          ? "is a directory, not an image file, and holds no DICOM image (\(scan.otherFiles) other file\(scan.otherFiles == 1 ? "" : "s")); give an image file or a DICOM series folder"
          : "is a DICOM object without an image harmonize reads (a DICOMDIR, report, RT structure set or plan, or DICOM Segmentation)"
      ))
  }

  static func list(_ series: [DicomSeries]) -> String {
    series.map { s in
      "\(s.number.map(String.init) ?? "?") \(s.modality) '\(s.description)' (\(s.slices.count) images, \(s.uid))"
    }.joined(separator: "; ")
  }
}

extension DicomReference {
  /// Whether `folder` looks like a DICOM series folder: no image file (NIfTI, NRRD, ...) directly inside, and a DICOM
  /// Part-10 file among the first files found under it, or directly inside it when `directly` (a folder of series
  /// folders is then not one series itself). A cheap probe: nothing is parsed.
  public static func looksLikeSeriesFolder(_ folder: String, directly: Bool = false) -> Bool {
    guard DicomScan.isFolder(folder), let walker = FileManager.default.enumerator(atPath: folder) else { return false }
    var probed = 0
    while let relative = walker.nextObject() as? String, probed < 64 {
      if PathText.name(relative).hasPrefix(".") {
        walker.skipDescendants()
        continue
      }
      let full = folder + "/" + relative
      if directly && DicomScan.isFolder(full) {
        walker.skipDescendants()
        continue
      }
      if !relative.contains("/"), ImageFormat(path: relative) != nil, !DicomScan.isFolder(full) { return false }
      var info = stat()
      guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
      probed += 1
      if DicomSlice.hasPart10Prefix(full) { return true }
    }
    return false
  }
}
