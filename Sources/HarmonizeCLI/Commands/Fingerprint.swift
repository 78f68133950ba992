import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize fingerprint TRAINING [-o FILE] [--headers-only]`: summarise a training set for `check`.
  struct Fingerprint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarise a training set (nnU-Net raw dataset or folder of images) as a versioned JSON fingerprint.",
      discussion: """
        Records per-axis spacing and size distributions (ITK order i, j, k; mm), channel names and count, pixel \
        types, orientation codes (RAS+ letters as nibabel prints them), the nnU-Net target spacing, intensity \
        statistics per channel (whole image, and foreground under labels > 0), label values, and the file ending. \
        Geometry comes from headers; intensities, labels and the non-zero crop read the pixels (skip with \
        --headers-only). A training file that cannot be read gets one line on stderr and is left out; the exit \
        status is then 1. \(ExitStatus.table)
        """
    )

    @Argument(help: "nnU-Net raw dataset folder (dataset.json, imagesTr/, labelsTr/) or a folder of images.")
    var training: String

    @Option(name: .shortAndLong, help: "Write the fingerprint here (atomically) instead of to standard output.")
    var output: String?

    @Flag(help: "Read headers only: no intensity statistics, label values or crop sizes.")
    var headersOnly = false

    @Flag(
      help:
        "List training cases whose intensities are outliers of their own set (each channel scored against the other cases, as check scores prediction inputs), with the likely cause."
    )
    var outliers = false

    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func validate() throws {
      if outliers && headersOnly { throw ValidationError("--outliers needs the pixels: drop --headers-only.") }
    }

    func run() throws {
      transform.apply()
      let result: Fingerprinter.Result
      do {
        result = try Fingerprinter.fingerprint(
          folder: training, readPixels: !headersOnly, tool: "harmonize \(HarmonizeCommand.configuration.version)")
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      for problem in result.problems { printError("warning: skipped \(problem)") }
      for warning in result.warnings { printError("warning: \(warning)") }
      let data = result.fingerprint.jsonData()
      if let output {
        do { try AtomicFile.write(data, to: output) } catch {
          throw ExitStatus.failure.reporting(error)
        }
        print(summary(result.fingerprint, written: output))
      } else {
        FileHandle.standardOutput.write(data)
        print("")
      }
      if outliers {
        let found = TrainingOutliers.find(in: result.fingerprint)
        // On stderr when the fingerprint itself goes to standard output.
        let say: (String) -> Void = output == nil ? { printError($0) } : { print($0) }
        say("outliers: \(found.count) case channel\(found.count == 1 ? "" : "s") unlike the rest of the training set")
        for outlier in found {
          let name = result.fingerprint.channelNames[outlier.channel]
          say(
            "  \(outlier.caseID) channel \(outlier.channel) (\(name)): score \(formatNumber((outlier.shift.score * 10).rounded() / 10)), \(outlier.shift.cause.rawValue): \(outlier.shift.explanation)"
          )
        }
      }
      if !result.problems.isEmpty { throw ExitStatus.failure.exitCode }
    }

    func summary(_ f: DatasetFingerprint, written: String) -> String {
      let spacing = f.spacing.map { formatNumber(($0.median * 1e4).rounded() / 1e4) }.joined(separator: ", ")
      let orientations = (f.orientations ?? [:]).sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(
        separator: ", ")
      return """
        fingerprint of \(f.caseCount) cases (\(f.channelNames.count) channel\(f.channelNames.count == 1 ? "" : "s"): \(f.channelNames.joined(separator: ", "))) written to \(written)
          median spacing (\(spacing)) mm, nnU-Net target spacing \(formatList(f.targetSpacing.map { ($0 * 1e4).rounded() / 1e4 })) mm (ITK order)\(f.targetSpacingIsEstimate ? " (\(DatasetFingerprint.estimateNote))" : "")\(f.targetMedianSize.map { ", median size there \(formatList($0)) voxels (nnU-Net's median_image_size_in_voxels, untransposed)" } ?? "")
          orientations: \(orientations.isEmpty ? "unknown" : orientations)\(f.labelValues.map { "; label values \(formatList($0))" } ?? "")
        """
    }
  }
}
