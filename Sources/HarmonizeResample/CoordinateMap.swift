import HarmonizeVolume

/// Where each output voxel falls in the input, as a continuous index (voxel centres at integers).
///
/// ITK's model (reference/resampling.md b.4): for output row (j, k), `start` is the continuous index of voxel
/// (0, j, k) and `end` that of (N, j, k), one past the row's end; voxel i sits at `start + (i/N)·(end − start)`.
/// Points and indices are computed as ITK computes them: `p = origin + Σ_j M[r][j]·idx[j]` left to right with
/// `M = D·diag(s)`, then `c = Σ_j P2I[r][j]·(p[j] − O_in[j])` from 0, with `P2I = M⁻¹`.
///
/// When every output axis maps to one input axis on its own (same signed-permutation direction in SimpleITK
/// mode, same direction otherwise, or nnU-Net's array space), the map is `separable`: one table per axis.
struct CoordinateMap {
  enum Kind {
    /// `x[i]`, `y[j]`, `z[k]`: the continuous input index along the same axis.
    case separable(x: [Double], y: [Double], z: [Double])
    /// Per row: continuous index of voxel 0 and the step to one past the row's end, per input axis.
    case general(start: (Int, Int) -> SIMD3<Double>, delta: (Int, Int) -> SIMD3<Double>)
  }

  let kind: Kind
  /// Output size along the three spatial axes (a 2D grid has z = 1).
  let outputSize: SIMD3<Int>

  init(input: Geometry, output: Geometry, sampling: GridPlan.Sampling, exactITK: Bool) {
    let inSpace = Space3(input)
    let outSpace = Space3(output)
    outputSize = outSpace.size
    switch sampling {
    case .arraySpace(let scale, let offset):
      let table = { (axis: Int) -> [Double] in
        axis < scale.count ? (0..<outSpace.size[axis]).map { scale[axis] * Double($0) + offset[axis] } : [0]
      }
      kind = .separable(x: table(0), y: table(1), z: table(2))
    case .physical:
      let p2i = inSpace.physicalToIndex()
      let toInput = { (index: SIMD3<Double>) -> SIMD3<Double> in
        inSpace.continuousIndex(of: outSpace.point(of: index), p2i: p2i)
      }
      let n = Double(outSpace.size.x)
      let sameAxes =
        exactITK
        ? (inSpace.isSignedPermutation && inSpace.direction == outSpace.direction)
        : inSpace.hasSameAxes(as: outSpace)
      if sameAxes {
        let start = toInput(.zero)
        let end = toInput(SIMD3(n, 0, 0))
        let x = (0..<outSpace.size.x).map { start.x + Double($0) / n * (end.x - start.x) }
        let y = (0..<outSpace.size.y).map { toInput(SIMD3(0, Double($0), 0)).y }
        let z = (0..<outSpace.size.z).map { toInput(SIMD3(0, 0, Double($0))).z }
        kind = .separable(x: x, y: y, z: z)
      } else {
        kind = .general(
          start: { j, k in toInput(SIMD3(0, Double(j), Double(k))) },
          delta: { j, k in toInput(SIMD3(n, Double(j), Double(k))) - toInput(SIMD3(0, Double(j), Double(k))) })
      }
    }
  }
}

/// The spatial part of a geometry as 3 x 3 (a 2D grid gets z: one voxel, 1 mm, along +z; a fourth axis is dropped).
struct Space3 {
  var size: SIMD3<Int>
  var spacing: SIMD3<Double>
  var origin: SIMD3<Double>
  /// Row-major 3 x 3.
  var direction: [Double]

  /// Whether the axes point where `other`'s do (directions equal within 1e-12): outside SimpleITK mode a map between
  /// the two is separable.
  func hasSameAxes(as other: Space3) -> Bool {
    direction.indices.allSatisfy { abs(direction[$0] - other.direction[$0]) < 1e-12 }
  }

  init(_ g: Geometry) {
    let (spacing3, origin3, direction3) = g.spatial3D
    size = SIMD3((0..<3).map { $0 < g.dimension ? g.size[$0] : 1 })
    spacing = SIMD3(spacing3)
    origin = SIMD3(origin3)
    direction = direction3
  }

  /// Whether every direction entry is exactly 0, 1 or -1.
  var isSignedPermutation: Bool { direction.allSatisfy { $0 == 0 || $0 == 1 || $0 == -1 } }

  /// `M = D·diag(s)`, row-major, entry by entry as ITK's product gives it.
  var indexToPhysical: [Double] { (0..<9).map { direction[$0] * spacing[$0 % 3] } }

  /// `M⁻¹`. For a signed-permutation direction it is `diag(1/s)·Dᵀ`, which is what ITK's SVD pseudo-inverse gives
  /// exactly; otherwise the adjugate inverse, which may differ from ITK's SVD in the last bits (oblique grids).
  func physicalToIndex() -> [Double] {
    if isSignedPermutation {
      return (0..<9).map { idx in
        let (r, c) = (idx / 3, idx % 3)
        return direction[c * 3 + r] == 0 ? 0 : direction[c * 3 + r] * (1 / spacing[r])
      }
    }
    return invert3(indexToPhysical) ?? Geometry.identity(3)
  }

  /// `origin + M·index`, summed left to right from the origin, as `TransformIndexToPhysicalPoint`.
  func point(of index: SIMD3<Double>) -> SIMD3<Double> {
    let m = indexToPhysical
    var p = origin
    for r in 0..<3 {
      for c in 0..<3 { p[r] += m[r * 3 + c] * index[c] }
    }
    return p
  }

  /// `P2I·(p − origin)`, summed from 0 left to right, as `TransformPhysicalPointToContinuousIndex`.
  func continuousIndex(of point: SIMD3<Double>, p2i: [Double]) -> SIMD3<Double> {
    let v = point - origin
    var c = SIMD3<Double>.zero
    for r in 0..<3 {
      var sum = 0.0
      for k in 0..<3 { sum += p2i[r * 3 + k] * v[k] }
      c[r] = sum
    }
    return c
  }
}
