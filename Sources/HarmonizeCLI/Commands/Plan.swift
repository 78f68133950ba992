import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize plan DATASET [--candidates ...] [--max-size N] [--memory 32G] [--json]`: choose a target spacing.
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare candidate target spacings for a dataset: sizes, disk, caps and nnU-Net memory, from headers.",
      discussion: """
        Reads headers only. Prints the spacing distribution (ITK order, mm), the anisotropy, nnU-Net's own fullres \
        target spacing for the dataset, and per candidate: the largest output case, total voxels, uncompressed disk, \
        how many cases --max-size would coarsen, and nnU-Net's prediction RAM for the largest case with default \
        workers. Warns when a candidate is finer than a third of the through-plane spacing. Ends with the batch \
        command for the suggested row. \(ExitStatus.table)
        """
    )

    @Argument(help: "nnU-Net raw dataset folder or folder of images.") var dataset: String
    @Option(help: "Candidate isotropic spacings in mm, comma separated.") var candidates: SpacingList = SpacingList(
      values: [0.25, 0.33, 0.5])
    @Option(help: "Largest output size per axis: N or NX,NY,NZ.") var maxSize: SizeCapArgument?
    @OptionGroup(title: "Prediction machine") var machine: PredictionMachineOptions
    @Flag(help: "Print JSON.") var json = false

    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func run() throws {
      transform.apply()
      let fingerprint: DatasetFingerprint
      do {
        let result = try Fingerprinter.fingerprint(folder: dataset, readPixels: false, tool: "harmonize")
        for problem in result.problems { printError("warning: skipped \(problem)") }
        fingerprint = result.fingerprint
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      let plan = SpacingPlan.make(
        fingerprint, candidates: candidates.values, maxSize: maxSize?.values,
        memory: machine.bytes)
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(plan))
        print("")
      } else {
        print(plan.text(dataset: dataset))
      }
    }
  }
}

/// `--candidates 0.25,0.33,0.5`: positive millimetre values.
struct SpacingList: ExpressibleByArgument {
  var values: [Double]
  init(values: [Double]) { self.values = values }
  init?(argument: String) {
    let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 && $0!.isFinite }) else { return nil }
    values = parts.map { $0! }
  }
  var defaultValueDescription: String { values.map { "\($0)" }.joined(separator: ",") }
}
