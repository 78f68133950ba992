import Foundation

/// Where the package, the built `harmonize` binary and the test command's Python virtual environment are.
public enum TestEnvironment {
  /// The package root (the folder holding Package.swift), found from this source file's location.
  public static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
  }()

  /// The `harmonize` executable built next to the test bundle.
  public static var harmonizeBinary: String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = exe.deletingLastPathComponent()
    // The test runner lives in `<build>/debug/` or inside an `.xctest` bundle there.
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("harmonize").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      folder.deleteLastPathComponent()
    }
    return packageRoot + "/.build/debug/harmonize"
  }

  /// Whether this run is CI's (`CI=true`): tests that need root or a mount run there and fail instead of being
  /// skipped, so a machine that cannot run them shows up red, not green with less tested.
  public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

  /// The Python of the virtual environment the test command creates (`HARMONIZE_PYTHON`, else `.venv/bin/python`).
  public static var python: String {
    ProcessInfo.processInfo.environment["HARMONIZE_PYTHON"] ?? packageRoot + "/.venv/bin/python"
  }

  /// nibabel's bundled test images (`nibabel/tests/data` of the installed wheel), found through the venv.
  public static func nibabelDataFolder() throws -> String {
    let result = try run(
      python, ["-c", "import nibabel, os; print(os.path.join(os.path.dirname(nibabel.__file__), 'tests', 'data'))"])
    guard result.status == 0 else {
      throw TestEnvironmentError("nibabel is not importable in \(python): \(result.stderr)")
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// A missing piece of the test environment, said plainly so the failure explains itself.
public struct TestEnvironmentError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// What a finished subprocess printed and returned.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// Runs a program to completion and captures its output. Throws only when it cannot be started.
public func run(
  _ executable: String, _ arguments: [String], environment: [String: String]? = nil
) throws -> ProcessResult {
  guard FileManager.default.isExecutableFile(atPath: executable) else {
    throw TestEnvironmentError("\(executable) is missing: run the README's test command, which installs it")
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let environment { process.environment = environment }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}
