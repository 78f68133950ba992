import ArgumentParser
import Harmonize

/// `--series NUMBER|UID`: which series of a DICOM folder the command reads (a folder with one series needs none).
struct DicomSeriesOption: ParsableArguments {
  @Option(
    help:
      "For a DICOM folder or DICOMDIR input: the series to read, by SeriesNumber or SeriesInstanceUID (harmonize info FOLDER lists them)."
  )
  var series: String?

  /// `input` with the series selected: `FOLDER#SERIES` (what every image reader takes), or `input` unchanged.
  func input(_ path: String) throws -> String {
    guard let series else { return path }
    guard DicomReference(path: path) != nil, DicomReference(path: path)?.series == nil else {
      throw ValidationError("--series goes with a DICOM folder or DICOMDIR input, and '\(path)' is not one.")
    }
    return DicomReference.path(path, series: series)
  }
}
