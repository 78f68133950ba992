import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize predict INPUT OUTPUT --model MODEL`: nnU-Net's predictions with harmonize's export.
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Predict with a trained nnU-Net v2 model: nnU-Net's network, harmonize's low-memory export.",
      discussion: """
        Checks the inputs against the model (error findings stop the run unless --force), reorients cases stored \
        in another orientation than --training-orientation, runs nnU-Net's own preprocessing and network through \
        its public classes in the given Python (which must have nnunetv2), and exports each case's labels onto its \
        original grid in harmonize, one plane at a time. Cases are preprocessed as nnU-Net's DefaultPreprocessor \
        does (crop to non-zero, its normalization, its resampling) by harmonize, with a fraction of the memory, \
        when the plans use nnU-Net's defaults; else, or with --nnunet-preprocessing, by nnU-Net itself. --export exact resamples every class's logits as \
        nnU-Net's export does (order 1, its separate-z rule, float16) and takes the argmax: the same labels as \
        nnUNetv2_predict; --export labels resamples the argmax instead (faster, may differ on small structures). \
        Options after `--` are nnUNetv2_predict's: -f, -step_size, --disable_tta, -device, -chk, -npp. Outputs \
        are written atomically with the case's geometry; harmonize-predict.jsonl records each case, and a re-run \
        skips cases whose inputs, model, settings and output are unchanged. \(ExitStatus.table)
        """
    )

    @Argument(help: "Folder of prediction inputs (CASE_0000.nii.gz, CASE_0001.nii.gz, ...).")
    var input: String

    @Argument(help: "Folder for the label maps (created; never the input folder).")
    var output: String

    @Option(help: "Trained model folder (with plans.json, dataset.json, fold_N/), or its dataset results folder.")
    var model: String

    @Option(help: "Configuration, to find the model in a results folder (nnUNetTrainer__nnUNetPlans__CONFIG).")
    var configuration = "3d_fullres"

    @Option(parsing: .upToNextOption, help: "Folds to average (default: every fold_N with the checkpoint).")
    var folds: [String] = []

    @Option(help: "exact (nnU-Net's export, the default) or labels (the argmax resampled).")
    var export: String = PredictExport.exact.rawValue

    @Option(help: "Python with nnunetv2 (default: $HARMONIZE_PYTHON, else python3).")
    var python: String?

    @Option(
      help: "Orientation of the training images: a code (LPS, RAS, ...) or a `harmonize fingerprint` file.")
    var trainingOrientation: String?

    @OptionGroup(title: "Prediction machine") var machine: PredictionMachineOptions

    @Option(help: "Threads for the export and for torch (default: all cores).")
    var threads: Int?

    @Flag(help: "Predict even when the check finds errors.")
    var force = false

    @Flag(help: "Let nnU-Net's own preprocessor prepare the cases (in -npp workers) instead of harmonize.")
    var nnunetPreprocessing = false

    @Option(
      help:
        "Also write a visual QC report (as `harmonize qc`): each input case with its predicted labels outlined, to this folder."
    )
    var qc: String?

    @Argument(parsing: .postTerminator, help: "nnUNetv2_predict options, after --.")
    var nnunetOptions: [String] = []

    func validate() throws {
      guard PredictExport(rawValue: export) != nil else {
        throw ValidationError("--export must be exact or labels, not \(export).")
      }
      if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be 1 to 1024.") }
    }

    func run() throws {
      var request: PredictRequest
      do {
        var settings = try RunnerSettings.parse(nnunetOptions)
        if !folds.isEmpty { settings.folds = folds }
        if let threads { settings.threads = threads }
        let located = try PredictModel.locate(
          model, configuration: configuration, folds: settings.folds, checkpoint: settings.checkpoint)
        request = PredictRequest(input: input, output: output, model: located)
        request.runner = settings
        request.export = PredictExport(rawValue: export)!
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      request.python = python ?? ProcessInfo.processInfo.environment["HARMONIZE_PYTHON"] ?? "python3"
      request.memory = machine.bytes
      request.force = force
      request.harmonizePreprocesses = !nnunetPreprocessing
      if let threads { request.threads = threads }
      if let orientation = trainingOrientation {
        request.trainingOrientation =
          TrainingOrientation.isFingerprint(orientation)
          ? try TrainingOrientation.code(fromFingerprint: orientation) : orientation.uppercased()
        do { _ = try Reorientation.parse(request.trainingOrientation!) } catch {
          throw ExitStatus.usage.reporting("--training-orientation: \(error)")
        }
      }
      let summary: PredictSummary
      do {
        // One line per event, flushed: a pipe or a log file sees progress as it happens.
        summary = try Predictor.run(request) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      if !summary.refused.isEmpty {
        for line in summary.refused { printError("error: \(line)") }
        printError(
          "error: \(input): the check found \(summary.refused.count) error(s): nothing was predicted (fix the inputs, or --force)"
        )
        throw ExitStatus.failure.exitCode
      }
      print(
        "\(summary.done.count) predicted, \(summary.skipped.count) skipped (already done), \(summary.failed.count) failed"
      )
      if let qc {
        let model = request.model
        // Each input case with its predicted segmentation (when written) outlined on its first channel.
        let cases = CaseScanner.group(CaseScanner.imageFiles(in: input)).map { files -> QCCase in
          let label = PathText.join(output, files.id + model.dataset.fileEnding)
          let failure = summary.failed.first { $0.0 == files.id }.map { [Finding(.error, "predict", $0.1)] } ?? []
          return QCCase(
            id: files.id, image: files.paths.first,
            label: FileManager.default.fileExists(atPath: label) ? label : nil, findings: failure)
        }
        try QCCommandReport.write(
          cases, labelNames: QCInputs.labelNames(of: model.dataset), title: "harmonize predict \(input)", to: qc)
      }
      if !summary.failed.isEmpty {
        for (id, why) in summary.failed { printError("error: \(id): \(why)") }
        throw ExitStatus.failure.exitCode
      }
    }
  }
}
