import Foundation
import Harmonize

/// What `resample --nnunet-plans PLANS --configuration NAME` takes from an nnU-Net plans file for one input: the
/// configuration's target spacing in ITK order (its numpy, transposed order mapped back) and nnU-Net's axis order.
struct NNUNetPlanTarget {
  /// Target spacing, mm, ITK order.
  var spacing: [Double]
  /// ITK axes in nnU-Net's numpy order after `transpose_forward`, slowest first.
  var numpyAxes: [Int]

  /// - Throws: `ExitStatus`-reported errors: an unreadable plans file, a missing or 2D configuration, or resampling
  ///   functions other than nnU-Net's default (which `--interpolation nnunet` reproduces).
  init(plans path: String, configuration name: String, input: String) throws {
    let plans = try NNUNetPlans.load(path)
    guard let configuration = plans.configurations[name] else {
      throw CheckReferenceError(
        path,
        "plans have no configuration \(name) (they have: \(plans.configurations.keys.sorted().joined(separator: ", ")))"
      )
    }
    guard plans.transposeForward.count == 3, configuration.spacing.count == 3 else {
      throw CheckReferenceError(path, "configuration \(name) is not 3D: resample takes 3D configurations")
    }
    guard configuration.usesDefaultResampling else {
      throw CheckReferenceError(
        path,
        "configuration \(name) does not use nnU-Net's default resampling (\(configuration.resamplingFunction) or other kwargs): --interpolation nnunet would not reproduce it"
      )
    }
    let header = try ImageFile.readHeader(at: input)
    spacing = plans.spacingITK(of: configuration, ownSpacing: Array(header.geometry.spacing.prefix(3)))
    numpyAxes = plans.transposeForward.map { 2 - $0 }
  }
}
