/// Trilinear interpolation with ITK's order of operations: lerps along x, then y, then z, each `a + (b − a)·d`
/// in double, so that `--sitk-compatible` matches SimpleITK bit for bit.
enum LinearKernel: RowKernel {
  @inline(__always)
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>) {
    let p = row.input
    row.forEachVoxel { sx, sy, sz, out in
      let (wx, wy, wz) = (sx.weight, sy.weight, sz.weight)
      let b00 = sz.lower + sy.lower, b01 = sz.lower + sy.upper, b10 = sz.upper + sy.lower, b11 = sz.upper + sy.upper
      for c in 0..<row.components {
        let v000 = p[b00 + sx.lower + c].doubleValue, v100 = p[b00 + sx.upper + c].doubleValue
        let v010 = p[b01 + sx.lower + c].doubleValue, v110 = p[b01 + sx.upper + c].doubleValue
        let v001 = p[b10 + sx.lower + c].doubleValue, v101 = p[b10 + sx.upper + c].doubleValue
        let v011 = p[b11 + sx.lower + c].doubleValue, v111 = p[b11 + sx.upper + c].doubleValue
        let vx00 = v000 + (v100 - v000) * wx
        let vx10 = v010 + (v110 - v010) * wx
        let vxx0 = vx00 + (vx10 - vx00) * wy
        let vx01 = v001 + (v101 - v001) * wx
        let vx11 = v011 + (v111 - v011) * wx
        let vxx1 = vx01 + (vx11 - vx01) * wy
        out[c] = Out.cast(vxx0 + (vxx1 - vxx0) * wz, row.cast)
      }
    }
  }
}
