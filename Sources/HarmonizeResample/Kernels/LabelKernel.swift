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
  @inline(__always)
  static func vote<In: ResamplePixel>(
    _ v0: In, _ v1: In, _ v2: In, _ v3: In, _ v4: In, _ v5: In, _ v6: In, _ v7: In,
    _ wx: Double, _ wy: Double, _ wz: Double
  ) -> Double {
    let values = SIMD8<Double>(
      v0.doubleValue, v1.doubleValue, v2.doubleValue, v3.doubleValue,
      v4.doubleValue, v5.doubleValue, v6.doubleValue, v7.doubleValue)
    let weights = SIMD8<Double>(
      (1 - wx) * (1 - wy) * (1 - wz), wx * (1 - wy) * (1 - wz), (1 - wx) * wy * (1 - wz), wx * wy * (1 - wz),
      (1 - wx) * (1 - wy) * wz, wx * (1 - wy) * wz, (1 - wx) * wy * wz, wx * wy * wz)
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
