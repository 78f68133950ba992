import Foundation
import HarmonizeVolume

/// What a batch run did, for the closing report and `--json`.
public struct BatchSummary: Codable, Sendable {
  public struct Failure: Codable, Sendable, Equatable {
    public var input: String
    public var error: String
  }
  public var input: String
  public var output: String
  public var shard: String
  /// Files in this shard.
  public var files: Int
  public var converted: Int
  /// Already done with the same input and parameters (manifest).
  public var skipped: Int
  public var failed: Int
  public var failures: [Failure]
  /// Files whose estimate exceeded the memory limit: run alone.
  public var ranAlone: [String]
  /// Label files and the rule that made them labels.
  public var labelRules: [String: String]
  public var inputBytes: Int
  public var outputBytes: Int
  public var seconds: Double
  public var memoryLimit: Int
  /// The largest sum of estimates admitted at once.
  public var peakReservedMemory: Int
  public var dryRun: Bool
  /// Peak resident memory of the whole process (VmHWM), bytes, when the caller measured it.
  public var peakResidentMemory: Int?
  /// What the user should know that is not a failed file: manifest lines that could not be read.
  public var warnings: [String]?

  /// Closing lines: counts, then every failure.
  public var text: String {
    var lines = [
      "\(output): \(converted) converted, \(skipped) already done, \(failed) failed of \(files) files"
        + (shard == "0/1" ? "" : " (shard \(shard))")
        + String(format: " in %.1f s; ", seconds) + "\(formatBytes(inputBytes)) in, \(formatBytes(outputBytes)) out; "
        + "memory budget \(formatBytes(memoryLimit)), largest admitted \(formatBytes(peakReservedMemory))"
        + (peakResidentMemory.map { ", peak memory \(formatBytes($0))" } ?? "")
    ]
    for warning in warnings ?? [] { lines.append("warning: \(warning)") }
    for name in ranAlone { lines.append("ran alone (estimate above the budget): \(name)") }
    for f in failures { lines.append("failed: \(f.input): \(f.error)") }
    return lines.joined(separator: "\n")
  }

  public func jsonData() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? encoder.encode(self)) ?? Data()
  }
}
