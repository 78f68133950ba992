import ArgumentParser
import Foundation
import Harmonize
import HarmonizeVolume

extension HarmonizeCommand {
  /// `harmonize restore PREDICTION OUTPUT --sidecar F | --manifest M | --original O`: back onto the original grid.
  struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Map predicted segmentations back onto the original scans' grids (size, spacing, origin, direction).",
      discussion: """
        PREDICTION is a segmentation file, or a folder of them named CASE.nii.gz as nnU-Net writes predictions (then \
        OUTPUT is a folder). The original grid comes from a resample sidecar (OUTPUT.harmonize.json, or a folder of \
        them), a batch manifest (or the batch output folder), or the original image (or a folder of originals, \
        CASE_0000.* or CASE.*). Label-safe interpolation only; the result keeps the prediction's pixel type, holds \
        only labels the prediction holds, and is read back to verify its geometry. \(ExitStatus.table)
        """
    )

    @Argument(help: "Predicted segmentation file or folder.") var prediction: String
    @Argument(help: "Output file, or folder for a prediction folder.") var output: String
    @Option(help: "Sidecar file (or folder of sidecars) written by harmonize resample.") var sidecar: String?
    @Option(help: "Batch manifest, or the batch output folder.") var manifest: String?
    @Option(help: "Original image, or folder of original images.") var original: String?
    @Flag(help: "Print the result as JSON (one object, or an array for a folder) instead of lines.") var json = false
    @Option(help: "label (per-label linear, smooth boundaries) or nearest.") var interpolation:
      RestoreInterpolationArgument = .label

    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func validate() throws {
      if [sidecar, manifest, original].compactMap({ $0 }).count != 1 {
        throw ValidationError("Give exactly one of --sidecar, --manifest and --original.")
      }
    }

    func run() throws {
      transform.apply()
      let source: OriginalGrid.Source =
        sidecar.map { .sidecar($0) } ?? manifest.map { .manifest($0) } ?? .original(original!)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: prediction, isDirectory: &isFolder) else {
        throw ExitStatus.usage.reporting("\(prediction): no such file or folder")
      }
      var results: [[String: Any]] = []
      guard isFolder.boolValue else {
        try runFileCommand(input: prediction, output: output) {
          try restore(prediction, to: output, source: source, into: &results)
        }
        if json, let result = results.first { JSONOutput.print(result) }
        return
      }
      do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
        throw ExitStatus.usage.reporting("\(output): cannot create the output folder")
      }
      TemporaryFolders.removeStale(in: output)
      var failed = 0
      let files = CaseScanner.imageFiles(in: prediction)
      for file in files {
        do {
          try restore(file, to: PathText.join(output, PathText.name(file)), source: source, into: &results)
        } catch let error as ResampleError {
          printError("error: \(error.at(file))")
          failed += 1
        } catch {
          printError("error: \(error)")
          failed += 1
        }
      }
      if json {
        JSONOutput.print(results)
      } else {
        print("\(output): \(files.count - failed) of \(files.count) predictions restored")
      }
      if failed > 0 { throw ExitStatus.failure.exitCode }
    }

    private func restore(
      _ file: String, to destination: String, source: OriginalGrid.Source, into results: inout [[String: Any]]
    ) throws {
      let grids = try OriginalGrid.grids(forPrediction: file, from: source)
      let report = try Restorer.restore(
        prediction: file, original: grids.original, resampled: grids.resampled, output: destination,
        interpolation: interpolation.interpolation)
      let g = report.geometry
      if json {
        results.append([
          "prediction": file, "output": destination, "grid": JSONOutput.geometry(g),
          "predictionLabels": report.predictionLabels, "labels": report.restoredLabels,
        ])
        return
      }
      print(
        "\(destination): \(g.size.map(String.init).joined(separator: " x ")) at \(g.spacing.map(formatNumber).joined(separator: " x ")) mm, labels \(report.restoredLabels.count <= 20 ? formatList(report.restoredLabels) : formatList(Array(report.restoredLabels.prefix(20))) + " ... (\(report.restoredLabels.count) labels)")"
      )
    }
  }
}
