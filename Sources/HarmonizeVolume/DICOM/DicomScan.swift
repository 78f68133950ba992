import Foundation

/// Every DICOM image under a folder (or under the folder of a DICOMDIR), read up to its pixels: the slices grouped by
/// series, the files that are not DICOM images, and the DICOM files that could not be read.
public struct DicomScan: Sendable {
  /// The folder scanned.
  public let folder: String
  /// Image slices, in path order.
  public let slices: [DicomSlice]
  /// Files that are not DICOM Part-10 images (other files, a DICOMDIR, reports), counted.
  public let otherFiles: Int
  /// DICOM files whose header cannot be trusted, each naming its file.
  public let unreadable: [ImageFileError]

  /// Scans `path`: a folder, searched recursively (hidden files and folders skipped, links to files followed), a
  /// DICOMDIR file, whose folder is searched, or one DICOM file.
  /// - Throws: `ImageFileError` when the folder cannot be listed.
  /// - Parameter limit: the most entries walked (`maxFiles` where a path stands for one image; a whole DICOM tree
  ///   for `batch --dicom` takes more).
  public static func scan(_ path: String, limit: Int = maxFiles) throws(ImageFileError) -> DicomScan {
    let (folder, files) = try files(of: path, limit: limit)
    return scan(folder: folder, files: files)
  }

  /// Scans files already listed (`files(of:)`).
  static func scan(folder: String, files: [String]) -> DicomScan {
    var slices: [DicomSlice] = []
    var other = 0
    var unreadable: [ImageFileError] = []
    for result in DicomSlice.read(files) {
      switch result {
      case .success(let slice?): slices.append(slice)
      case .success(nil): other += 1
      case .failure(let error): unreadable.append(error)
      }
    }
    return DicomScan(folder: folder, slices: slices, otherFiles: other, unreadable: unreadable)
  }

  /// The series, by SeriesInstanceUID, ordered by SeriesNumber then UID.
  public var series: [DicomSeries] {
    Dictionary(grouping: slices, by: \.seriesUID).map { DicomSeries(uid: $0.key, slices: $0.value) }
      .sorted { ($0.number ?? Int.max, $0.uid) < ($1.number ?? Int.max, $1.uid) }
  }

  /// The folder and the files a location stands for: a folder's files (recursively), a DICOMDIR's folder's, or a
  /// single DICOM file.
  static func files(
    of location: String, limit: Int = maxFiles
  ) throws(ImageFileError) -> (
    folder: String, files: [String]
  ) {
    if isFolder(location) { return (location, try listFiles(location, limit: limit)) }
    if PathText.name(location).uppercased() == "DICOMDIR" {
      let folder = PathText.parent(location).isEmpty ? "." : PathText.parent(location)
      return (
        folder,
        try listFiles(folder, limit: limit).filter { $0 != location && PathText.name($0).uppercased() != "DICOMDIR" }
      )
    }
    return (PathText.parent(location), [location])
  }

  /// Whether `path` names a folder (links followed).
  public static func isFolder(_ path: String) -> Bool {
    var folder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
  }

  /// Files a scan looks at, at most: a folder given by mistake (a home folder, `/`) is refused rather than walked for
  /// minutes.
  public static let maxFiles = 200_000

  /// Regular files under `folder`, recursively, sorted; hidden names skipped.
  /// - Throws: `ImageFileError` when the folder cannot be listed or holds more than `limit` entries.
  static func listFiles(_ folder: String, limit: Int = maxFiles) throws(ImageFileError) -> [String] {
    let manager = FileManager.default
    guard let walker = manager.enumerator(atPath: folder) else {
      throw ImageFileError(path: folder, reason: .io("cannot list the folder"))
    }
    var files: [String] = []
    var seen = 0
    while let relative = walker.nextObject() as? String {
      seen += 1
      if seen > limit {
        throw ImageFileError(
          path: folder,
          reason: .tooLarge(
            "more than \(limit) entries under it: give the folder of one series or study, not a whole disk"))
      }
      if PathText.name(relative).hasPrefix(".") {
        walker.skipDescendants()
        continue
      }
      let full = folder + "/" + relative
      var info = stat()
      if stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { files.append(full) }
    }
    return files.sorted()
  }
}

/// The images of one SeriesInstanceUID, with what `info` lists about them.
public struct DicomSeries: Sendable {
  public let uid: String
  /// Its images, in path order.
  public let slices: [DicomSlice]

  public var number: Int? { slices.compactMap(\.seriesNumber).min() }
  public var modality: String { slices.first?.modality ?? "" }
  public var description: String { slices.first?.seriesDescription ?? "" }

  /// Whether `selector` (a SeriesInstanceUID, or a SeriesNumber) names this series.
  public func matches(_ selector: String) -> Bool {
    selector == uid || (Int(selector).map { $0 == number } ?? false)
  }
}
