import ArgumentParser
import Harmonize

extension HarmonizeCommand {
  /// `harmonize info FILE... [--json]`: the header of each file, read without its pixels.
  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print each image's format, size, spacing, origin, direction, orientation, pixel type and memory.",
      discussion: """
        Reads headers only. Geometry is ITK's: LPS millimetres; orientation codes are RAS+ letters as nibabel's \
        aff2axcodes prints them. A file that cannot be read gets one line on stderr naming it and the problem; the \
        other files are still reported, and the exit status is 2. For a DICOM folder (searched recursively) or \
        DICOMDIR, every series is listed as FOLDER#UID with its stacked grid (slices ordered by \
        ImagePositionPatient along the slice normal) and each geometry problem (uneven spacing, missing slices, \
        gantry tilt, repeated positions, mixed orientations or sizes); give FOLDER#UID, or FOLDER --series, \
        wherever an image is read.
        """
    )

    @Argument(
      help:
        "Image files (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd, a DICOM file, ...), or DICOM folders and DICOMDIRs: each series is listed."
    )
    var files: [String]

    @Flag(help: "Print a JSON array instead of text blocks.")
    var json = false

    @OptionGroup(title: "DICOM") var dicom: DicomSeriesOption

    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func validate() throws {
      if files.isEmpty { throw ValidationError("Give at least one image file.") }
    }

    func run() throws {
      transform.apply()
      var infos: [ImageInfo] = []
      var failed = false
      for given in files {
        do {
          let file = try dicom.input(given)
          if let reference = DicomReference(path: file), reference.series == nil {
            infos += try ImageInfo.dicomSeries(in: file)
            continue
          }
          let header = try ImageFile.readHeader(at: file)
          var info = ImageInfo(path: file, header: header)
          if let reference = DicomReference(path: file) {
            info.dicom = try DicomSeriesFacts.of(reference)
          }
          let warnings = ImageFile.readWarnings(for: file, header: header)
          if !warnings.isEmpty { info.warnings = warnings }
          infos.append(info)
        } catch {
          printError("error: \(error)")
          failed = true
        }
      }
      if json {
        print(ImageInfo.json(infos))
      } else if !infos.isEmpty {
        print(infos.map(\.text).joined(separator: "\n\n"))
      }
      if failed { throw ExitStatus.usage.exitCode }
    }
  }
}
