import ArgumentParser
import Foundation

/// `--memory`: the RAM of the machine nnU-Net predicts on, for `check` and `plan` (batch's `--memory` is its own
/// budget, `BatchCommand.memoryLimit`).
struct PredictionMachineOptions: ParsableArguments {
  @Option(help: "RAM for the prediction with a unit: 32G (default: this machine's RAM).")
  var memory: ByteCountArgument?

  /// The RAM in bytes: the given value, or this machine's physical memory.
  var bytes: Double { memory?.bytes ?? Double(ProcessInfo.processInfo.physicalMemory) }
}
