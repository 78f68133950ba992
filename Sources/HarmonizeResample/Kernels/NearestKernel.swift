/// The nearest input voxel (ties rounded half up, as ITK), copied and cast to the output type.
enum NearestKernel: RowKernel {
  @inline(__always)
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>) {
    let p = row.input
    let sameType = In.self == Out.self
    row.forEachVoxel { sx, sy, sz, out in
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
