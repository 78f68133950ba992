/// Label-safe smooth interpolation: each label present among the 8 neighbours gets the sum of their trilinear
/// weights (what a one-hot mask of that label interpolates to), and the label with the largest weight wins; ties go
/// to the smaller label, as argmax over labels in sorted order. Never produces a label absent from the neighbours,
/// and needs no memory per label.
enum LabelKernel: RowKernel {
  @inline(__always)
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>) {
    let p = row.input
    row.forEachVoxel { sx, sy, sz, out in
      let b00 = sz.lower + sy.lower, b01 = sz.lower + sy.upper, b10 = sz.upper + sy.lower, b11 = sz.upper + sy.upper
      for c in 0..<row.components {
        let v0 = p[b00 + sx.lower + c], v1 = p[b00 + sx.upper + c], v2 = p[b01 + sx.lower + c],
          v3 = p[b01 + sx.upper + c]
        let v4 = p[b10 + sx.lower + c], v5 = p[b10 + sx.upper + c], v6 = p[b11 + sx.lower + c],
          v7 = p[b11 + sx.upper + c]
        // Most voxels lie inside one label: all eight neighbours agree and no weight is needed.
        if v0 == v1 && v0 == v2 && v0 == v3 && v0 == v4 && v0 == v5 && v0 == v6 && v0 == v7 {
          out[c] = In.self == Out.self ? unsafeBitCast(v0, to: Out.self) : Out.cast(v0.doubleValue, row.cast)
          continue
        }
        out[c] = Out.cast(vote(v0, v1, v2, v3, v4, v5, v6, v7, sx.weight, sy.weight, sz.weight), row.cast)
      }
    }
  }

  /// The winning label among the eight neighbours (x fastest, then y, then z) with trilinear weights.
  ///
  /// Two labels (most boundary voxels) are settled in one pass over the neighbours; more go to `winner`. Both sum each
  /// label's weights in neighbour order and break ties the same way, so the result is bit for bit `winner`'s.
  @inline(__always)
  static func vote<In: ResamplePixel>(
    _ v0: In, _ v1: In, _ v2: In, _ v3: In, _ v4: In, _ v5: In, _ v6: In, _ v7: In,
    _ wx: Double, _ wy: Double, _ wz: Double
  ) -> Double {
    let (ax, ay, az) = (1 - wx, 1 - wy, 1 - wz)
    let (xy0, xy1, xy2, xy3) = (ax * ay, wx * ay, ax * wy, wx * wy)
    let weights = SIMD8<Double>(xy0 * az, xy1 * az, xy2 * az, xy3 * az, xy0 * wz, xy1 * wz, xy2 * wz, xy3 * wz)
    let a = v0
    var b = v0
    var (totalA, totalB) = (0.0, 0.0)
    var two = true
    @inline(__always) func add(_ v: In, _ weight: Double) {
      guard two else { return }
      if v == a {
        totalA += weight
      } else if b == a {  // b not chosen yet
        b = v
        totalB += weight
      } else if v == b {
        totalB += weight
      } else {
        two = false  // a third label (or NaN, which equals nothing)
      }
    }
    add(v0, weights[0])
    add(v1, weights[1])
    add(v2, weights[2])
    add(v3, weights[3])
    add(v4, weights[4])
    add(v5, weights[5])
    add(v6, weights[6])
    add(v7, weights[7])
    if two {
      return (totalB > totalA || (totalB == totalA && b.doubleValue < a.doubleValue) ? b : a).doubleValue
    }
    let values = SIMD8<Double>(
      v0.doubleValue, v1.doubleValue, v2.doubleValue, v3.doubleValue,
      v4.doubleValue, v5.doubleValue, v6.doubleValue, v7.doubleValue)
    return winner(values, weights)
  }

  /// The value whose weights sum highest among eight (value, weight) pairs; ties to the smaller value.
  @inline(__always)
  static func winner(_ values: SIMD8<Double>, _ weights: SIMD8<Double>) -> Double {
    var bestValue = values[0]
    var bestWeight = -1.0
    for n in 0..<8 {
      let v = values[n]
      var seen = false
      for m in 0..<n where values[m] == v {
        seen = true
        break
      }
      if seen { continue }
      var total = 0.0
      for m in n..<8 where values[m] == v { total += weights[m] }
      if total > bestWeight || (total == bestWeight && v < bestValue) {
        bestWeight = total
        bestValue = v
      }
    }
    return bestValue
  }
}
