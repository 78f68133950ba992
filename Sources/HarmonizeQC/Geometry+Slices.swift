import HarmonizeVolume

extension Geometry {
  /// The first three sizes, 1 for axes a 2D image lacks.
  var size3: [Int] { Array(size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - size.count)) }

  /// The spatial grid with voxel axis `axis` cut to one voxel: a slice's grid (origin kept, LPS mm).
  func thinSlice(axis: Int) -> Geometry {
    var thin = size3
    thin[axis] = 1
    let (spacing, origin, direction) = spatial3D
    return Geometry(size: thin, spacing: spacing, origin: origin, direction: direction)
  }

  /// For each LPS axis (0 L, 1 P, 2 S): the voxel axis closest to it (nibabel's `io_orientation`), and whether the
  /// index increases towards L, P or S. The identity for images with fewer than 3 axes.
  var lpsAxes: [(voxelAxis: Int, towardsPositive: Bool)] {
    var result: [(voxelAxis: Int, towardsPositive: Bool)] = [(0, true), (1, true), (2, true)]
    guard dimension >= 3 else { return result }
    for (axis, assignment) in Orientation.axisAssignment(self).enumerated() {
      // axisAssignment's signs are RAS+: towards R or A is away from L or P.
      result[assignment.worldAxis] = (axis, (assignment.worldAxis == 2 ? assignment.sign : -assignment.sign) > 0)
    }
    return result
  }
}
