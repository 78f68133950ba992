/// nnU-Net v2's fullres target spacing (`ExperimentPlanner.determine_fullres_target_spacing`), applied in numpy
/// order as nnU-Net does and returned in ITK order.
///
/// The per-axis median of the spacings; but when the coarsest median axis is more than 3x coarser than the others
/// (`has_aniso_spacing`) and has fewer than a third of the voxels of the smallest other axis (`has_aniso_voxels`),
/// that axis takes the 10th percentile instead, never finer than the other axes' coarsest spacing (+1e-5).
public enum TargetSpacingRule {
  /// nnU-Net's `ANISO_THRESHOLD`.
  public static let anisotropyThreshold = 3.0

  /// - Parameters:
  ///   - spacings: per case, ITK order, mm; all of one length.
  ///   - sizes: per case, ITK order (nnU-Net uses the sizes after cropping to the non-zero region).
  /// - Returns: the target spacing in ITK order, or nil for no cases.
  public static func targetSpacing(spacings: [[Double]], sizes: [[Double]]) -> [Double]? {
    guard let n = spacings.first?.count, n > 0, spacings.allSatisfy({ $0.count == n }) else { return nil }
    let numpySpacings = spacings.map { Array($0.reversed()) }
    var target = (0..<n).map { axis in Statistics.percentile(sorted: numpySpacings.map { $0[axis] }.sorted(), 50) }
    let usableSizes =
      sizes.count == spacings.count && sizes.allSatisfy({ $0.count == n }) ? sizes.map { Array($0.reversed()) } : nil
    let targetSize = usableSizes.map { s in
      (0..<n).map { axis in Statistics.percentile(sorted: s.map { $0[axis] }.sorted(), 50) }
    }
    guard n > 1 else { return target }
    // numpy's argmax: the first maximum.
    var worst = 0
    for axis in 1..<n where target[axis] > target[worst] { worst = axis }
    let others = (0..<n).filter { $0 != worst }
    let otherSpacingMax = others.map { target[$0] }.max()!
    let anisotropicSpacing = target[worst] > anisotropyThreshold * otherSpacingMax
    let anisotropicVoxels =
      targetSize.map { ts in ts[worst] * anisotropyThreshold < others.map { ts[$0] }.min()! } ?? false
    if anisotropicSpacing && anisotropicVoxels {
      var value = Statistics.percentile(sorted: numpySpacings.map { $0[worst] }.sorted(), 10)
      if value < otherSpacingMax { value = max(otherSpacingMax, value) + 1e-5 }
      target[worst] = value
    }
    return Array(target.reversed())
  }

  /// nnU-Net's `median_image_size_in_voxels` before its transpose: per axis, the median over cases of each case's
  /// size after cropping resampled to `target` (`compute_new_shape`: `round(size · spacing / target)`, Python's
  /// round). ITK order; nil for no cases or ragged inputs.
  public static func medianSize(spacings: [[Double]], sizes: [[Double]], target: [Double]) -> [Double]? {
    let n = target.count
    guard n > 0, !sizes.isEmpty, sizes.count == spacings.count,
      zip(sizes, spacings).allSatisfy({ $0.count == n && $1.count == n })
    else { return nil }
    let resampled = zip(sizes, spacings).map { size, spacing in
      (0..<n).map { ((spacing[$0] / target[$0]) * size[$0]).rounded(.toNearestOrEven) }
    }
    return (0..<n).map { axis in Statistics.percentile(sorted: resampled.map { $0[axis] }.sorted(), 50) }
  }
}
