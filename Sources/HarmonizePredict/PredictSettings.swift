import Foundation

/// How labels are brought back to the original grid.
public enum PredictExport: String, Sendable, CaseIterable {
  /// nnU-Net's own export: every class's logits resampled (order 1, nnU-Net's separate-z rule, float16), argmax.
  case exact
  /// The argmax at the network's grid, resampled as nnU-Net resamples segmentations (fastest, smallest).
  case labels
}

/// The network settings `nnUNetv2_predict` takes, parsed from its own option spellings (what follows `--` on
/// `harmonize predict`'s command line): `-f`, `-step_size`, `--disable_tta`, `-device`, `-chk`, `-npp`, `-nps`,
/// `--disable_progress_bar`, `--verbose`. Options that change what nnU-Net writes (`--save_probabilities`,
/// `-prev_stage_predictions`, `--continue_prediction`) are refused: harmonize writes the outputs.
public struct RunnerSettings: Sendable, Equatable {
  public var folds: [String]?
  public var stepSize = 0.5
  public var mirroring = true
  public var device = "cpu"
  public var checkpoint = "checkpoint_final.pth"
  /// nnU-Net's `-npp`; nil: chosen from the memory model.
  public var preprocessWorkers: Int?
  public var verbose = false
  /// torch threads of the runner.
  public var threads = ProcessInfo.processInfo.activeProcessorCount

  public init() {}

  /// Reads nnUNetv2_predict's options.
  /// - Throws: `PredictError` for an unknown option, a missing or invalid value.
  public static func parse(_ arguments: [String]) throws(PredictError) -> RunnerSettings {
    var settings = RunnerSettings()
    var index = 0
    func value(_ option: String) throws(PredictError) -> String {
      index += 1
      guard index < arguments.count, !arguments[index].hasPrefix("-") || Double(arguments[index]) != nil else {
        throw PredictError(option, "nnUNetv2_predict option needs a value")
      }
      return arguments[index]
    }
    while index < arguments.count {
      let option = arguments[index]
      switch option {
      case "-f":
        var folds: [String] = []
        while index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
          index += 1
          folds.append(arguments[index])
        }
        guard !folds.isEmpty, folds.allSatisfy({ $0 == "all" || Int($0).map { $0 >= 0 } == true }) else {
          throw PredictError(option, "give fold numbers (0 1 2 ...) or all")
        }
        settings.folds = folds
      case "-step_size":
        let text = try value(option)
        guard let step = Double(text), step.isFinite, step > 0, step <= 1 else {
          throw PredictError(option, "step size must be in (0, 1], not \(text)")
        }
        settings.stepSize = step
      case "--disable_tta", "-disable_tta": settings.mirroring = false
      case "-device":
        let device = try value(option)
        guard ["cpu", "cuda", "mps"].contains(device) else {
          throw PredictError(option, "device must be cpu, cuda or mps, not \(device)")
        }
        settings.device = device
      case "-chk":
        let name = try value(option)
        guard !name.isEmpty, !name.contains("/") else {
          throw PredictError(option, "a checkpoint file name, not \(name)")
        }
        settings.checkpoint = name
      case "-npp":
        let text = try value(option)
        guard let workers = Int(text), (0...64).contains(workers) else {
          throw PredictError(option, "worker count must be 0 to 64, not \(text)")
        }
        settings.preprocessWorkers = workers
      case "-nps":
        // harmonize exports itself: the count of nnU-Net's export workers has nothing to set.
        _ = try value(option)
      case "--disable_progress_bar", "--not_on_device": break
      case "--verbose": settings.verbose = true
      case "--save_probabilities", "-prev_stage_predictions", "--continue_prediction", "--c", "-i", "-o", "-m", "-d",
        "-c", "-tr", "-p", "-num_parts", "-part_id":
        throw PredictError(
          option,
          "not passed to nnU-Net by harmonize predict (it names the inputs, outputs and model itself, and writes label maps only)"
        )
      default:
        throw PredictError(option, "unknown nnUNetv2_predict option")
      }
      index += 1
    }
    return settings
  }
}
