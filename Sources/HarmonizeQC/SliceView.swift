import HarmonizeVolume

/// One of the three orthogonal views, drawn as radiologists read them: axial with the patient's right on the
/// viewer's left and anterior up; coronal with right on the left and superior up; sagittal with anterior on the
/// left and superior up. Views follow the voxel axes closest to the LPS axes (oblique images are not resliced).
public enum SliceView: String, CaseIterable, Sendable {
  case axial, coronal, sagittal

  /// (LPS axis held fixed, LPS axis across, direction across, LPS axis down, direction down).
  var axes: (fixed: Int, across: Int, acrossSign: Int, down: Int, downSign: Int) {
    switch self {
    case .axial: return (2, 0, 1, 1, 1)
    case .coronal: return (1, 0, 1, 2, -1)
    case .sagittal: return (0, 1, 1, 2, -1)
    }
  }
}

/// Where a view's pixels come from: for each picture column and row, the voxel index along the two in-plane voxel
/// axes, sized so that a pixel is square in millimetres.
struct SlicePlan {
  let width: Int
  let height: Int
  /// Voxel axis and index for each picture column, and each row.
  let acrossAxis: Int
  let downAxis: Int
  let fixedAxis: Int
  let columns: [Int]
  let rows: [Int]

  /// - Parameter longestSide: the picture's larger dimension in pixels.
  init(geometry: Geometry, view: SliceView, longestSide: Int) {
    let size = geometry.size3
    let spacing = Array(geometry.spacing.prefix(3)) + Array(repeating: 1.0, count: max(0, 3 - geometry.spacing.count))
    let lps = geometry.lpsAxes
    let axes = view.axes
    acrossAxis = lps[axes.across].voxelAxis
    downAxis = lps[axes.down].voxelAxis
    fixedAxis = lps[axes.fixed].voxelAxis
    let acrossMM = Double(size[acrossAxis]) * spacing[acrossAxis]
    let downMM = Double(size[downAxis]) * spacing[downAxis]
    let scale = Double(longestSide) / max(acrossMM, downMM)
    width = max(1, Int((acrossMM * scale).rounded()))
    height = max(1, Int((downMM * scale).rounded()))
    func indices(_ count: Int, _ voxels: Int, flip: Bool) -> [Int] {
      (0..<count).map { pixel in
        let index = min(voxels - 1, Int((Double(pixel) + 0.5) * Double(voxels) / Double(count)))
        return flip ? voxels - 1 - index : index
      }
    }
    columns = indices(width, size[acrossAxis], flip: (axes.acrossSign > 0) != lps[axes.across].towardsPositive)
    rows = indices(height, size[downAxis], flip: (axes.downSign > 0) != lps[axes.down].towardsPositive)
  }

  /// The buffer position (component 0) in a volume on `grid` of the voxel under each picture pixel, rows top to
  /// bottom, with the fixed axis at `fixedIndex`.
  func voxelIndices(fixedIndex: Int, grid: Geometry) -> [Int] {
    let size3 = grid.size3
    let strides = [1, size3[0], size3[0] * size3[1]]
    let base = min(max(0, fixedIndex), size3[fixedAxis] - 1) * strides[fixedAxis]
    var result = [Int](repeating: 0, count: width * height)
    for (y, row) in rows.enumerated() {
      let rowBase = base + row * strides[downAxis]
      for (x, column) in columns.enumerated() { result[y * width + x] = rowBase + column * strides[acrossAxis] }
    }
    return result
  }
}
