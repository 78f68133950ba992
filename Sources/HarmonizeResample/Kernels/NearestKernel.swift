/// The nearest input voxel (ties rounded half up, as ITK), copied and cast to the output type.
enum NearestKernel: RowKernel {
  @inline(__always)
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>) {
    let p = row.input
    let sameType = In.self == Out.self
    for i in 0..<row.count {
      let sx = row.xs[i], sy = row.ys[i * row.yStride], sz = row.zs[i * row.zStride]
      let out = row.output + i * row.components
      guard sx.inside && sy.inside && sz.inside else {
        for c in 0..<row.components { out[c] = row.defaultValue }
        continue
      }
      let base = sz.nearest + sy.nearest + sx.nearest
      for c in 0..<row.components {
        if sameType {
          out[c] = unsafeBitCast(p[base + c], to: Out.self)
        } else {
          out[c] = Out.cast(p[base + c].doubleValue, row.cast)
        }
      }
    }
  }
}
