/// Orientation codes, written the way nibabel prints them: RAS+ letters, one per voxel axis, naming the
/// direction in which the index increases (`RAS`, `LPS`, `PIR`, ...).
///
/// Note the two conventions: ITK's physical space is LPS, but an ITK image whose direction is the identity has
/// axis codes `LPS` in nibabel's RAS+ notation, because increasing x moves towards the patient's left.
public enum Orientation {
  /// For each of the three spatial axes, the RAS+ world axis (0 = R/L, 1 = A/P, 2 = S/I) it runs closest to,
  /// and +1 when the index increases towards R, A or S, -1 towards L, P or I.
  ///
  /// This is nibabel's `io_orientation`: the closest orthogonal matrix to the direction (polar decomposition),
  /// then, axis by axis, the world axis with the largest absolute cosine, each world axis used once.
  public static func axisAssignment(_ geometry: Geometry) -> [(worldAxis: Int, sign: Int)] {
    let (_, _, d) = geometry.spatial3D
    // RAS direction: negate the x and y rows of the LPS direction.
    var r = d
    for column in 0..<3 {
      r[column] = -r[column]
      r[3 + column] = -r[3 + column]
    }
    r = closestOrthogonal(r)
    var result: [(worldAxis: Int, sign: Int)] = []
    for column in 0..<3 {
      var best = 0
      for row in 1..<3 where abs(r[row * 3 + column]) > abs(r[best * 3 + column]) { best = row }
      result.append((best, r[best * 3 + column] < 0 ? -1 : 1))
      for c in 0..<3 { r[best * 3 + c] = 0 }
    }
    return result
  }

  /// The three RAS+ letters of a geometry's spatial axes, as nibabel's `aff2axcodes` prints them.
  public static func axisCodes(_ geometry: Geometry) -> String {
    let letters: [(negative: Character, positive: Character)] = [("L", "R"), ("P", "A"), ("I", "S")]
    return String(
      axisAssignment(geometry).map { $0.sign < 0 ? letters[$0.worldAxis].negative : letters[$0.worldAxis].positive })
  }

  /// Closest orthogonal matrix (polar factor) of a nonsingular 3 x 3 row-major matrix, by Newton's iteration
  /// `X ← (X + X⁻ᵀ) / 2`, after normalising columns; returns the input for a singular matrix.
  static func closestOrthogonal(_ m: [Double]) -> [Double] {
    var x = m
    for column in 0..<3 {
      let norm = (0..<3).map { x[$0 * 3 + column] * x[$0 * 3 + column] }.reduce(0, +).squareRoot()
      if norm > 0 { for row in 0..<3 { x[row * 3 + column] /= norm } }
    }
    for _ in 0..<50 {
      guard let inverse = invert3(x) else { return m }
      var next = x
      var change = 0.0
      for row in 0..<3 {
        for column in 0..<3 {
          let value = 0.5 * (x[row * 3 + column] + inverse[column * 3 + row])
          change = max(change, abs(value - x[row * 3 + column]))
          next[row * 3 + column] = value
        }
      }
      x = next
      if change < 1e-15 { break }
    }
    return x
  }
}

/// Inverse of a row-major 3 x 3 matrix by its adjugate, or nil when it is singular.
public func invert3(_ m: [Double]) -> [Double]? {
  let c: [Double] = [
    m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
    m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
    m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
  ]
  let det = m[0] * c[0] + m[1] * c[3] + m[2] * c[6]
  guard det != 0, det.isFinite else { return nil }
  return c.map { $0 / det }
}
