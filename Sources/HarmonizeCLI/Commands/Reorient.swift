import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize reorient INPUT OUTPUT --to CODE | --like REFERENCE`: lossless reorientation.
  struct Reorient: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Permute and flip an image's axes to an orientation, without interpolation.",
      discussion: """
        CODE is three RAS+ letters as nibabel prints them (RAS, LPS, LAS, PIR, ...). Voxels are moved, never \
        interpolated; size and spacing are permuted with the axes, the direction and origin change so that every voxel \
        centre keeps its physical position. An oblique image takes the closest axis-aligned orientation (nibabel's \
        io_orientation). Works for every pixel type, labels, multi-component and 4D images. --like takes an image's \
        orientation, or, for a `harmonize fingerprint` .json file, the training set's most common orientation.
        """
    )

    @Argument(help: ArgumentHelp("Image to reorient (or a DICOM folder or DICOMDIR).", valueName: "input")) var given:
      String
    /// The input as readers take it: a DICOM series selected with --series becomes FOLDER#SERIES.
    var input: String { (try? dicom.input(given)) ?? given }
    @Argument(help: "Output file; its ending picks the format.") var output: String
    @Option(help: "Target orientation, RAS+ letters (e.g. RAS, LPS).") var to: String?
    @Option(help: "Take the orientation of this image, or the dominant one of a fingerprint (.json).") var like: String?
    @Option(help: "A `harmonize fingerprint` file: take the training set's dominant orientation (same as --like FILE).")
    var fingerprint: String?
    @Flag(help: "Print the result as JSON instead of a line.") var json = false

    @OptionGroup(title: "DICOM") var dicom: DicomSeriesOption
    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func validate() throws {
      _ = try dicom.input(given)
      if [to, like, fingerprint].compactMap({ $0 }).count != 1 {
        throw ValidationError("Give exactly one of --to, --like and --fingerprint.")
      }
      if let to {
        do { _ = try Reorientation.parse(to) } catch { throw ValidationError(error.description) }
      }
    }

    func run() throws {
      transform.apply()
      let training = try (fingerprint ?? like).flatMap {
        fingerprint != nil || TrainingOrientation.isFingerprint($0)
          ? try TrainingOrientation.code(fromFingerprint: $0) : nil
      }
      try runFileCommand(input: input, output: output) {
        let code = try to ?? training ?? ImageFile.readHeader(at: like!).axisCodes
        let volume = try ImageFile.read(at: input)
        let before = Orientation.axisCodes(volume.geometry)
        let result = try Reorientation.reorient(volume, to: code)
        try ImageFile.write(result, to: output)
        if json {
          JSONOutput.print([
            "input": input, "output": output, "from": before, "to": Orientation.axisCodes(result.geometry),
            "grid": JSONOutput.geometry(result.geometry),
          ])
        } else {
          print(
            "\(output): \(before) -> \(Orientation.axisCodes(result.geometry)), size \(result.geometry.size.map(String.init).joined(separator: " x "))"
          )
        }
      }
    }
  }
}
