import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize check INPUTS... --against REFERENCE`: find the prediction inputs nnU-Net would fail on.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check prediction inputs against the training data before nnU-Net runs, and estimate its memory.",
      discussion: """
        REFERENCE is a `harmonize fingerprint` file, an nnU-Net raw dataset folder, or an nnU-Net model or \
        preprocessed folder (dataset.json, plans.json or nnUNetPlans.json, dataset_fingerprint.json). INPUTS are \
        image files or folders (nnU-Net CASE_XXXX naming; a dataset folder's imagesTs/ with labelsTs/). Each \
        finding has a severity, the value found, the value expected and a fix. Memory follows nnU-Net v2's \
        prediction pipeline (preprocessing and export workers, main process, GPU arrays) and recommends -npp/-nps, \
        sequential mode, --not_on_device or nnUNet_def_n_proc for the given --memory. Exit status: 0 no errors; \
        1 an error-severity finding; 2 usage error, unreadable reference, or an input that cannot be read (the \
        other cases are still checked).
        """
    )

    @Argument(help: "Prediction input files or folders.")
    var inputs: [String]

    @Option(help: "Fingerprint file, nnU-Net raw dataset folder, or nnU-Net model/preprocessed folder.")
    var against: String

    @Option(help: "nnU-Net configuration whose plan spacing applies (model references).")
    var config = "3d_fullres"

    @OptionGroup(title: "Prediction machine") var machine: PredictionMachineOptions

    @Option(help: "GPU memory with a unit, e.g. 24G; when given, recommends --not_on_device if the logits do not fit.")
    var gpuMemory: ByteCountArgument?

    @Option(help: "Folds averaged at prediction (default: the model folder's fold_* count, else 5).")
    var folds: Int?

    @Option(help: "Folder of label files (CASE.nii.gz) to check against the images.")
    var labels: String?

    @Flag(help: "Read headers only: skip NaN/Inf, intensity and label checks.")
    var headersOnly = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(
      help: "Also write a visual QC report (as `harmonize qc`) of the checked cases and their findings to this folder.")
    var qc: String?

    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    func validate() throws {
      if inputs.isEmpty { throw ValidationError("Give at least one input file or folder.") }
      if let folds, folds < 1 { throw ValidationError("--folds must be at least 1, not \(folds).") }
    }

    func run() throws {
      transform.apply()
      let tool = "harmonize \(HarmonizeCommand.configuration.version)"
      let options = CheckOptions(
        configuration: config, memory: machine.bytes,
        gpuMemory: gpuMemory?.bytes, readPixels: !headersOnly, folds: folds, labelsFolder: labels)
      let report: CheckReport
      do {
        let reference = try CheckReference.load(against, readPixels: !headersOnly, tool: tool)
        report = try Checker.check(inputs, against: reference, options: options)
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      for line in report.unreadable { printError("error: \(line)") }
      if let qc {
        let names = QCInputs.labelNames(in: against)
        try QCCommandReport.write(QCFindings.cases(from: report), labelNames: names, title: "harmonize check", to: qc)
      }
      if json {
        FileHandle.standardOutput.write(report.jsonData())
        print("")
      } else {
        print(report.text)
      }
      if !report.unreadable.isEmpty { throw ExitStatus.usage.exitCode }
      // A gate that checked nothing must not pass: an empty folder, or one with no recognisable case.
      if report.cases.isEmpty {
        printError(
          "error: \(inputs.joined(separator: ", ")): no case to check (no image file with a known ending: .nii.gz, .nii, .nrrd, .mha, ...)"
        )
        throw ExitStatus.failure.exitCode
      }
      if report.errorCount > 0 { throw ExitStatus.failure.exitCode }
    }
  }
}
