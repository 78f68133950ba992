import Foundation
import HarmonizeCheck
import HarmonizeVolume

/// A trained nnU-Net v2 model folder as `harmonize predict` uses it: `dataset.json`, `plans.json`,
/// `dataset_fingerprint.json` and `fold_*/CHECKPOINT` (nnU-Net's `nnUNetTrainer__nnUNetPlans__3d_fullres`).
public struct PredictModel: Sendable {
  /// The model folder itself.
  public var folder: String
  public var dataset: DatasetJSON
  public var plans: NNUNetPlans
  /// The folds that will be averaged (`fold_N` folders holding the checkpoint), as nnU-Net names them ("0", "all").
  public var folds: [String]
  public var checkpoint: String
  /// The configuration the model was trained for: the folder's `__CONFIG` suffix (nnU-Net's naming), else the one
  /// asked for. The runner checks it against the checkpoint's.
  public var configuration: String

  /// Finds the model: `path` itself when it holds plans.json, else `path/{trainer}__{plans}__{configuration}` (a
  /// dataset's results folder). `folds` nil takes every `fold_N` with the checkpoint, as nnUNetv2_predict does.
  /// - Throws: `PredictError` naming the folder and what is missing.
  public static func locate(
    _ path: String, configuration: String, trainer: String = "nnUNetTrainer", plansName: String = "nnUNetPlans",
    folds: [String]?, checkpoint: String = "checkpoint_final.pth"
  ) throws(PredictError) -> PredictModel {
    let fm = FileManager.default
    var folder = path
    if !fm.fileExists(atPath: PathText.join(folder, "plans.json")) {
      let nested = PathText.join(path, "\(trainer)__\(plansName)__\(configuration)")
      guard fm.fileExists(atPath: PathText.join(nested, "plans.json")) else {
        throw PredictError(
          path, "not an nnU-Net model folder: no plans.json here or in \(PathText.name(nested))/")
      }
      folder = nested
    }
    let dataset = try DatasetJSON.load(PathText.join(folder, "dataset.json"))
    let plans = try NNUNetPlans.load(PathText.join(folder, "plans.json"))
    let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
    let available = names.filter { $0.hasPrefix("fold_") && $0 != "fold_all" }
      .filter { fm.fileExists(atPath: PathText.join(folder, PathText.join($0, checkpoint))) }
      .map { String($0.dropFirst(5)) }
      .sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
    let chosen = folds ?? available
    guard !chosen.isEmpty else {
      throw PredictError(folder, "no fold_N/\(checkpoint) in the model folder")
    }
    for fold in chosen where !fm.fileExists(atPath: PathText.join(folder, "fold_\(fold)/\(checkpoint)")) {
      throw PredictError(PathText.join(folder, "fold_\(fold)/\(checkpoint)"), "checkpoint not found")
    }
    if dataset.isRegionBased {
      throw PredictError(
        PathText.join(folder, "dataset.json"),
        "region-based labels (a label with several values): harmonize predict exports label maps of plain classes only"
      )
    }
    let named = plans.configurations.keys.sorted { $0.count > $1.count }
      .first { PathText.name(folder).hasSuffix("__\($0)") }
    let chosenConfiguration = named ?? configuration
    guard plans.configurations[chosenConfiguration] != nil else {
      throw PredictError(
        PathText.join(folder, "plans.json"),
        "no configuration \(chosenConfiguration) (it has \(plans.configurations.keys.sorted().joined(separator: ", ")))"
      )
    }
    return PredictModel(
      folder: folder, dataset: dataset, plans: plans, folds: chosen, checkpoint: checkpoint,
      configuration: chosenConfiguration)
  }

  /// The checkpoint files of the chosen folds.
  public var checkpointFiles: [String] { folds.map { PathText.join(folder, "fold_\($0)/\(checkpoint)") } }

  /// The files whose change makes a finished prediction stale.
  public var identityFiles: [String] {
    [PathText.join(folder, "plans.json"), PathText.join(folder, "dataset.json")] + checkpointFiles
  }
}
