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
    printError("error: \(error)")
    throw ExitStatus.usage.exitCode
  }
  do {
    try body()
  } catch let error as ImageFileError {
    printError("error: \(error)")
    throw (error.path == output ? ExitStatus.failure : ExitStatus.usage).exitCode
  } catch let error as ResampleError {
    printError("error: \(input): \(error)")
    throw ExitStatus.usage.exitCode
  }
}
