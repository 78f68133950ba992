import ArgumentParser
import Foundation

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
