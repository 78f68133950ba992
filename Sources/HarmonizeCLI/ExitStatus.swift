import ArgumentParser
import Foundation
import Harmonize

/// The one exit-code table every command follows (DESIGN.md).
enum ExitStatus: Int32 {
  /// Everything asked for was done.
  case success = 0
  /// The command ran and something failed: an error-severity finding, a batch case that failed.
  case failure = 1
  /// A usage error, or an input or reference that cannot be read at all.
  case usage = 2

  static let table = """
    Exit status: 0 success; 1 the command ran and something failed (an error-severity finding, a failed batch \
    case); 2 usage error, or an input that cannot be read at all.
    """

  /// The `ExitCode` to throw once the diagnostics have been printed.
  var exitCode: ExitCode { ExitCode(rawValue) }

  /// Prints `error: <what>` on one line of stderr and returns this status's `ExitCode` to throw: the one path by
  /// which a command reports a failure it cannot go on from.
  func reporting(_ what: Any) -> ExitCode {
    printError("error: \(what)")
    return exitCode
  }
}

/// Writes one line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs a file-to-file command with the shared rules: an unusable output path is a usage error (2) before any work;
/// an unreadable input or reference (2), a failed write of the output (1) and a refused request (2) print one line.
func runFileCommand(input: String, output: String, _ body: () throws -> Void) throws {
  do {
    try ImageFile.checkWritable(output, inputs: [input])
  } catch {
    throw ExitStatus.usage.reporting(error)
  }
  // Once per command, not per write: listing a large output folder at every write would cost O(files²) in batch,
  // which sweeps its whole output tree once at start instead.
  TemporaryFolders.removeStale(in: PathText.parent(output).isEmpty ? "." : PathText.parent(output))
  do {
    try body()
  } catch let error as ImageFileError {
    throw (error.path == output ? ExitStatus.failure : ExitStatus.usage).reporting(error)
  } catch let error as ResampleError {
    throw ExitStatus.usage.reporting(error.at(input))
  }
}
