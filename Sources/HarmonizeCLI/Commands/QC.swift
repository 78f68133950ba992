import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize qc INPUTS... --out REPORT`: a static HTML report to look at every case before training on it.
  struct QC: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "qc",
      abstract:
        "Write a visual QC report (static HTML): three views per case with label outlines, label volumes, flags.",
      discussion: """
        INPUTS are image files, folders of them, nnU-Net dataset folders (imagesTr/ with labelsTr/, imagesTs/) or \
        `harmonize batch` output folders (with --before INPUT_FOLDER each output is shown beside its source). Each \
        case page shows axial, coronal and sagittal slices through the labels' centre (or the image centre), the \
        label outlines in colour, a CT soft-tissue window when the values look like Hounsfield units, pixels square \
        in mm; the label volumes in mL (before and after); and flags: a label that vanished or changed volume by \
        more than 20%, a label lying on background, a label lying elsewhere or covering other intensities than in \
        the other cases (mirrored, shifted, or from another case). With --against, `check`'s findings too. \
        Open REPORT/index.html in a browser: no server, no network. Exit status: 0 written; 1 a case has an \
        error flag or finding; 2 usage error or no case found.
        """
    )

    @Argument(help: "Images, folders, nnU-Net dataset folders, or batch output folders.")
    var inputs: [String]

    @Option(help: "The report folder to write (index.html, cases/, img/).")
    var out: String

    @Option(help: "A batch output's input folder: shows each output beside the file it was made from.")
    var before: String?

    @Option(help: "Folder of label files (CASE.nii.gz) for images given as files or flat folders.")
    var labels: String?

    @Option(
      help: "Also run `check` against this reference (fingerprint, dataset or model folder) and list its findings.")
    var against: String?

    @Option(help: "The report's title.")
    var title = "harmonize QC"

    func validate() throws {
      if inputs.isEmpty { throw ValidationError("Give at least one input file or folder.") }
    }

    func run() throws {
      let collected = QCInputs.collect(inputs, before: before, labelsFolder: labels)
      for path in collected.missing { printError("error: \(path): no such file or folder") }
      if !collected.missing.isEmpty { throw ExitStatus.usage.exitCode }
      var cases = collected.cases
      if cases.isEmpty {
        printError("error: \(inputs.joined(separator: ", ")): no case found (no image file with a known ending)")
        throw ExitStatus.usage.exitCode
      }
      if let against {
        let tool = "harmonize \(HarmonizeCommand.configuration.version)"
        do {
          let reference = try CheckReference.load(against, readPixels: true, tool: tool)
          let report = try Checker.check(
            inputs, against: reference,
            options: CheckOptions(memory: Double(ProcessInfo.processInfo.physicalMemory), labelsFolder: labels))
          QCFindings.attach(report, to: &cases)
        } catch {
          throw ExitStatus.usage.reporting(error)
        }
      }
      let summary = try QCCommandReport.write(cases, labelNames: collected.labelNames, title: title, to: out)
      if summary.errors > 0 { throw ExitStatus.failure.exitCode }
    }
  }
}

/// Writes a report and prints its summary; shared by `qc` and the `--qc` option of batch, check and predict.
enum QCCommandReport {
  @discardableResult
  static func write(
    _ cases: [QCCase], labelNames: [Int: String], title: String, to folder: String
  ) throws -> QCReport.Summary {
    let summary: QCReport.Summary
    do {
      summary = try QCReport.write(cases, labelNames: labelNames, title: title, to: folder)
    } catch {
      throw ExitStatus.usage.reporting(error)
    }
    printError(
      "qc: \(summary.cases) case\(summary.cases == 1 ? "" : "s"), \(summary.flaggedCases) flagged (\(summary.errors) errors, \(summary.warnings) warnings): \(summary.index)"
    )
    return summary
  }
}
