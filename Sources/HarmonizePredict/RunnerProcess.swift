import Foundation
import HarmonizeVolume

/// One event of the runner's protocol (`HARMONIZE {json}` lines on its stdout).
enum RunnerEvent {
  /// The model loaded: what the runner found in it.
  case model([String: Any])
  /// A case's logits are written.
  case finished(id: String)
  /// A case could not be predicted.
  case failed(id: String, error: String)
  /// Nothing can run.
  case fatal(error: String, missing: Bool)

  init?(line: Substring) {
    guard line.hasPrefix("HARMONIZE "),
      let object = (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(10).utf8))) as? [String: Any],
      let event = object["event"] as? String
    else { return nil }
    switch event {
    case "model": self = .model(object)
    case "case":
      guard let id = object["id"] as? String else { return nil }
      self = .finished(id: id)
    case "failed":
      guard let id = object["id"] as? String else { return nil }
      self = .failed(id: id, error: (object["error"] as? String) ?? "unknown error")
    case "fatal":
      self = .fatal(error: (object["error"] as? String) ?? "unknown error", missing: object["missing"] as? Bool == true)
    default: return nil
    }
  }
}

/// The runner started in the user's Python, its events read from its stdout as they come; what it prints besides goes
/// to `log` (or to this process's stderr when verbose).
final class RunnerProcess {
  let process = Process()
  let log: String
  private let output = Pipe()
  private var buffer = Data()

  /// Starts `python script job`.
  /// - Throws: `PredictError` when the Python cannot be started.
  init(python: String, script: String, job: String, log: String, verbose: Bool) throws(PredictError) {
    self.log = log
    process.executableURL = URL(fileURLWithPath: python.contains("/") ? python : "/usr/bin/env")
    process.arguments = (python.contains("/") ? [] : [python]) + ["-u", script, job]
    process.standardOutput = output
    if verbose {
      process.standardError = FileHandle.standardError
    } else {
      FileManager.default.createFile(atPath: log, contents: nil)
      process.standardError = FileHandle(forWritingAtPath: log)
    }
    var environment = ProcessInfo.processInfo.environment
    // nnU-Net warns without its folders set; prediction from a model folder needs none of them.
    for name in ["nnUNet_raw", "nnUNet_preprocessed", "nnUNet_results"] where environment[name] == nil {
      environment[name] = PathText.parent(job)
    }
    process.environment = environment
    do { try process.run() } catch {
      throw PredictError(python, "cannot start Python: \(error.localizedDescription) (give --python PATH)")
    }
  }

  /// The next event, or nil once the runner has closed its stdout (exited).
  func next() -> RunnerEvent? {
    let handle = output.fileHandleForReading
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex...newline)
        if let event = RunnerEvent(line: Substring(line)) { return event }
        continue
      }
      let chunk = handle.availableData
      if chunk.isEmpty { return nil }
      buffer.append(chunk)
    }
  }

  /// Waits for the runner to exit; its status.
  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  func stop() {
    if process.isRunning { process.terminate() }
  }

  /// The last lines the runner wrote to its log (for an error message).
  func logTail(_ lines: Int = 6) -> String {
    guard let data = FileManager.default.contents(atPath: log) else { return "" }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: " | ")
  }
}
