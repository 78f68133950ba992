import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize convert INPUT OUTPUT`: an image, or a DICOM series, written in another format on the same grid.
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write an image or a DICOM series in another format, on its own grid (no interpolation).",
      discussion: """
        A resample without interpolation: every voxel, the grid (LPS mm) and the pixel type are kept. A DICOM \
        series (a folder searched recursively, or a DICOMDIR; --series picks one of several) is checked first: \
        slices are ordered by ImagePositionPatient along the slice normal, and uneven spacing, missing slices, \
        gantry tilt, repeated positions, mixed orientations or image sizes refuse the conversion with one line \
        saying what dcm2niix would do; localizers are left out. RescaleSlope and RescaleIntercept are applied (CT in \
        HU) into a type that loses no value. No patient data is written: NIfTI's description field stays empty.
        """
    )

    @Argument(help: "Image file, DICOM folder or DICOMDIR.") var input: String
    @Argument(help: "Output file; its ending picks the format (.nii.gz, .nii, .nrrd, .mha, ...).") var output: String
    @Option(
      help:
        "Compression: fast, default, best, or a level (.nii.gz 1-12, by pixel type by default; .nrrd/.mha zlib 1-9, uncompressed unless given)."
    )
    var compression: CompressionArgument?
    @Option(help: "Worker threads for compression; default: all cores.") var threads: Int?
    @Flag(help: "Print the result as JSON instead of a line.") var json = false

    @OptionGroup(title: "DICOM") var dicom: DicomSeriesOption
    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func run() throws {
      transform.apply()
      let source = try dicom.input(input)
      try runFileCommand(input: source, output: output) {
        let clock = ContinuousClock()
        let start = clock.now
        let volume = try ImageFile.read(at: source)
        let read = clock.now
        try ImageFile.write(
          volume, to: output,
          options: WriteOptions(compressionLevel: compression?.level(for: output), threads: threads))
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let g = volume.geometry
        let notes = (DicomReference(path: source)).flatMap { try? DicomSeriesFacts.of($0).notes } ?? []
        for note in notes { printError("note: \(source): \(note)") }
        if json {
          JSONOutput.print([
            "input": source, "output": output, "grid": JSONOutput.geometry(g), "pixelType": volume.pixelType.rawValue,
            "seconds": ["read": seconds(read - start), "write": seconds(clock.now - read)], "notes": notes,
          ])
          return
        }
        print(
          "\(output): \(g.size.map(String.init).joined(separator: " x ")) at \(g.spacing.map(formatNumber).joined(separator: " x ")) mm, \(volume.pixelType) "
            + String(format: "(read %.2f s, write %.2f s)", seconds(read - start), seconds(clock.now - read)))
      }
    }
  }
}
