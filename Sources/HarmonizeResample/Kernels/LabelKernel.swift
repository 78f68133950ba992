/// Label-safe smooth interpolation: each label present among the 8 neighbours gets the sum of their trilinear
/// weights (what a one-hot mask of that label interpolates to), and the label with the largest weight wins; ties go
/// to the smaller label, as argmax over labels in sorted order. Never produces a label absent from the neighbours,
/// and needs no memory per label.
enum LabelKernel: RowKernel {
  @inline(__always)
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>) {
    let p = row.input
    for i in 0..<row.count {
      let sx = row.xs[i], sy = row.ys[i * row.yStride], sz = row.zs[i * row.zStride]
      let out = row.output + i * row.components
      guard sx.inside && sy.inside && sz.inside else {
        for c in 0..<row.components { out[c] = row.defaultValue }
        continue
      }
      let (wx, wy, wz) = (sx.weight, sy.weight, sz.weight)
      let b00 = sz.lower + sy.lower, b01 = sz.lower + sy.upper, b10 = sz.upper + sy.lower, b11 = sz.upper + sy.upper
      for c in 0..<row.components {
        let values = (p[b00 + sx.lower + c], p[b00 + sx.upper + c], p[b01 + sx.lower + c], p[b01 + sx.upper + c],
                      p[b10 + sx.lower + c], p[b10 + sx.upper + c], p[b11 + sx.lower + c], p[b11 + sx.upper + c])
        let weights = ((1 - wx) * (1 - wy) * (1 - wz), wx * (1 - wy) * (1 - wz), (1 - wx) * wy * (1 - wz), wx * wy * (1 - wz),
                       (1 - wx) * (1 - wy) * wz, wx * (1 - wy) * wz, (1 - wx) * wy * wz, wx * wy * wz)
        let best = withUnsafeBytes(of: values) { vb in
          withUnsafeBytes(of: weights) { wb in
            winner(vb.bindMemory(to: In.self), wb.bindMemory(to: Double.self))
          }
        }
        out[c] = Out.cast(best.doubleValue, row.cast)
      }
    }
  }

  /// The value whose weights sum highest among eight (value, weight) pairs; ties to the smaller value.
  @inline(__always)
  static func winner<T: ResamplePixel>(_ values: UnsafeBufferPointer<T>, _ weights: UnsafeBufferPointer<Double>) -> T {
    let first = values[0]
    // Fast path: all eight neighbours carry the same label (the vast majority of voxels).
    var uniform = true
    for n in 1..<8 where values[n] != first { uniform = false; break }
    if uniform { return first }
    var bestValue = first
    var bestWeight = -1.0
    for n in 0..<8 {
      let v = values[n]
      var seen = false
      for m in 0..<n where values[m] == v { seen = true; break }
      if seen { continue }
      var total = 0.0
      for m in n..<8 where values[m] == v { total += weights[m] }
      if total > bestWeight || (total == bestWeight && v.doubleValue < bestValue.doubleValue) {
        bestWeight = total
        bestValue = v
      }
    }
    return bestValue
  }
}
