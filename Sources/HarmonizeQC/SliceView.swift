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
    let size = Array(geometry.size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - geometry.size.count))
    let spacing = Array(geometry.spacing.prefix(3)) + Array(repeating: 1.0, count: max(0, 3 - geometry.spacing.count))
    // LPS axis -> (voxel axis, +1 when the index increases towards L, P or S).
    var voxelAxis = [0, 1, 2], lpsSign = [1, 1, 1]
    if geometry.dimension >= 3 {
      for (axis, assignment) in Orientation.axisAssignment(geometry).enumerated() {
        voxelAxis[assignment.worldAxis] = axis
        lpsSign[assignment.worldAxis] = assignment.worldAxis == 2 ? assignment.sign : -assignment.sign
      }
    }
    let axes = view.axes
    acrossAxis = voxelAxis[axes.across]
    downAxis = voxelAxis[axes.down]
    fixedAxis = voxelAxis[axes.fixed]
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
    columns = indices(width, size[acrossAxis], flip: axes.acrossSign * lpsSign[axes.across] < 0)
    rows = indices(height, size[downAxis], flip: axes.downSign * lpsSign[axes.down] < 0)
  }

  /// The buffer position (component 0) of the voxel under picture pixel (column, row), with the fixed axis at
  /// `fixedIndex`.
  func voxelIndices(fixedIndex: Int, size: [Int]) -> [Int] {
    let size3 = Array(size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - size.count))
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
