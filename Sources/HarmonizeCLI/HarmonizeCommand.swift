import ArgumentParser
import Foundation
import Harmonize

/// The `harmonize` command: configuration and the exit-code mapping only; each subcommand is its own file.
@main
struct HarmonizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "harmonize",
    abstract: "Resample 3D medical images and harmonize datasets for segmentation training.",
    discussion: ExitStatus.table,
    version: "0.1.0",
    subcommands: [
      Info.self, Convert.self, Resample.self, Reorient.self, Fingerprint.self, Check.self, Batch.self, Restore.self,
      Plan.self,
      Predict.self, QC.self,
    ]
  )

  /// Runs the command and exits with the code from DESIGN.md's table: ArgumentParser's own 64 for validation
  /// errors becomes 2, help and version stay 0.
  static func main() {
    TemporaryFolders.installSignalHandlers()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let message = CommandLineBytes.invalidUTF8Argument()
      ?? ArgumentSpelling.diagnose(arguments, subcommands: configuration.subcommands)
    {
      printError(message)
      Foundation.exit(ExitStatus.usage.rawValue)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if code == .success {
        let helpRequested = arguments.contains { ["--help", "-h", "help"].contains($0) }
        if !message.isEmpty { print(message + (helpRequested ? HelpExamples.section(arguments: arguments) : "")) }
        Foundation.exit(0)
      }
      if !message.isEmpty { printError(message) }
      Foundation.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
    }
  }
}
