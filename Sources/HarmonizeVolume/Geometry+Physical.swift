/// Index-to-point mapping and the RAS affine that nibabel reports for the same grid.
extension Geometry {
  /// LPS position (mm) of a continuous voxel index: `origin + direction * (spacing ⊙ index)`.
  public func point(atIndex index: [Double]) -> [Double] {
    let n = dimension
    precondition(index.count == n, "index has \(index.count) axes, geometry \(n)")
    return (0..<n).map { row in
      var sum = origin[row]
      for column in 0..<n { sum += direction[row * n + column] * spacing[column] * index[column] }
      return sum
    }
  }

  /// The continuous voxel index of an LPS point (mm) in the spatial grid (`spatial3D`): the inverse of
  /// `point(atIndex:)`, as ITK's `TransformPhysicalPointToContinuousIndex`. NaN when the direction is singular.
  public func continuousIndex(ofPoint point: [Double]) -> [Double] {
    let (s, o, d) = spatial3D
    let p = (0..<3).map { (point.count > $0 ? point[$0] : 0) - o[$0] }
    guard let inverse = invert3(d) else { return [.nan, .nan, .nan] }
    return (0..<3).map { row in (0..<3).reduce(0.0) { $0 + inverse[row * 3 + $1] * p[$1] } / s[row] }
  }

  /// The first three axes as a 3D geometry: 4D images keep their spatial part, 2D images get a third axis of
  /// one voxel, 1 mm, along the cross product of the two in-plane directions (as ITK and nibabel embed them).
  public var spatial3D: (spacing: [Double], origin: [Double], direction: [Double]) {
    let n = dimension
    var spacing3 = [1.0, 1.0, 1.0]
    var origin3 = [0.0, 0.0, 0.0]
    var direction3 = Geometry.identity(3)
    for axis in 0..<min(n, 3) {
      spacing3[axis] = spacing[axis]
      origin3[axis] = origin[axis]
    }
    for row in 0..<min(n, 3) {
      for column in 0..<min(n, 3) { direction3[row * 3 + column] = direction[row * n + column] }
    }
    if n == 2 {
      // The third column is (0, 0, 1), as ITK writes a 2D image's direction into NIfTI.
      direction3[2] = 0
      direction3[5] = 0
      direction3[8] = 1
    }
    return (spacing3, origin3, direction3)
  }

  /// The 4 x 4 voxel-to-RAS+ affine of the spatial axes, as nibabel's `img.affine` reports it for the same
  /// file: ITK's LPS matrix with the x and y rows negated.
  public var rasAffine: [[Double]] {
    let (s, o, d) = spatial3D
    let flip = [-1.0, -1.0, 1.0]
    var affine = [[Double]](repeating: [0, 0, 0, 0], count: 4)
    for row in 0..<3 {
      for column in 0..<3 { affine[row][column] = flip[row] * d[row * 3 + column] * s[column] }
      affine[row][3] = flip[row] * o[row]
    }
    affine[3][3] = 1
    return affine
  }
}

extension Geometry {
  /// What differs between two grids, in words, or nil when they agree: sizes exactly; spacing and origin within 1e-4
  /// relative (mm; NIfTI stores float32); direction within 1e-4.
  public func difference(from other: Geometry) -> String? {
    func close(_ x: [Double], _ y: [Double], relative: Bool) -> Bool {
      x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) <= 1e-4 * (relative ? max(1, abs($1)) : 1) }
    }
    if size != other.size { return "size \(formatList(size)), expected \(formatList(other.size))" }
    if !close(spacing, other.spacing, relative: true) {
      return "spacing \(formatList(spacing)) mm, expected \(formatList(other.spacing))"
    }
    if !close(origin, other.origin, relative: true) {
      return "origin \(formatList(origin)), expected \(formatList(other.origin))"
    }
    if !close(direction, other.direction, relative: false) {
      return "direction \(formatList(direction)), expected \(formatList(other.direction))"
    }
    return nil
  }
}
