/// What `harmonize info` says of one DICOM series besides its grid.
public struct DicomSeriesFacts: Codable, Equatable, Sendable {
  public var uid: String
  public var number: Int?
  public var modality: String
  public var description: String
  /// Images stacked (localizers left out are not counted).
  public var images: Int
  /// Why the series cannot be stacked into one grid (empty when it can).
  public var problems: [String]
  /// What was done that deserves a word.
  public var notes: [String]
}

extension ImageInfo {
  /// One report per series under a DICOM folder (or DICOMDIR), each named `FOLDER#UID`, with its stacked grid and
  /// what stands in its way.
  /// - Throws: `ImageFileError` when the folder cannot be listed or holds a DICOM file that cannot be read.
  public static func dicomSeries(in location: String) throws(ImageFileError) -> [ImageInfo] {
    let scan = try DicomScanCache.shared.scan(location)
    if let bad = scan.unreadable.first { throw bad }
    if scan.series.isEmpty { throw DicomReference.noImage(location, scan) }
    return scan.series.map { series in
      let stack = DicomStack(series)
      let path = DicomReference.path(location, series: series.uid)
      var problems = stack.problems
      var header = ImageHeader(
        format: "DICOM", geometry: stack.geometry, pixelType: DicomPixels.outputType(stack.slices) ?? .u8,
        components: 1)
      if problems.isEmpty {
        // The grid a read gives (a multi-frame file's comes from GDCM).
        do throws(ImageFileError) {
          header = try DicomSeriesReader.header(of: stack, DicomReference(path: path)!)
        } catch {
          problems.append(error.detail)
        }
      }
      var info = ImageInfo(path: path, header: header)
      info.dicom = DicomSeriesFacts(series, stack, problems: problems)
      return info
    }
  }
}

extension DicomSeriesFacts {
  /// The facts of the series `reference` selects.
  public static func of(_ reference: DicomReference) throws(ImageFileError) -> DicomSeriesFacts {
    let series = try reference.select(in: DicomScanCache.shared.scan(reference.location))
    let stack = DicomStack(series)
    return DicomSeriesFacts(series, stack, problems: stack.problems)
  }

  init(_ series: DicomSeries, _ stack: DicomStack, problems: [String]) {
    self.init(
      uid: series.uid, number: series.number, modality: series.modality, description: series.description,
      images: stack.slices.count, problems: problems, notes: stack.notes)
  }
}
