/// What a kernel needs to fill one output row: samples per output voxel along each input axis (x varies per voxel;
/// y and z either per voxel, stride 1, or fixed for the row, stride 0), the input and output buffers, and how
/// values are cast.
struct RowContext<In: ResamplePixel, Out: ResamplePixel> {
  var xs: UnsafePointer<AxisSample>
  var ys: UnsafePointer<AxisSample>
  var yStride: Int
  var zs: UnsafePointer<AxisSample>
  var zStride: Int
  var count: Int
  /// Input buffer at the current time point; components interleaved.
  var input: UnsafePointer<In>
  /// Output row start; components interleaved.
  var output: UnsafeMutablePointer<Out>
  var components: Int
  var defaultValue: Out
  var cast: IntegerCast
}

extension RowContext {
  /// Walks the row: voxels outside the input get the default value in every component; for the others `body`
  /// receives the three axis samples and the voxel's output position.
  @inline(__always)
  func forEachVoxel(_ body: (AxisSample, AxisSample, AxisSample, UnsafeMutablePointer<Out>) -> Void) {
    for i in 0..<count {
      let sx = xs[i], sy = ys[i * yStride], sz = zs[i * zStride]
      let out = output + i * components
      guard sx.inside && sy.inside && sz.inside else {
        for c in 0..<components { out[c] = defaultValue }
        continue
      }
      body(sx, sy, sz, out)
    }
  }
}

/// Fills one output row.
protocol RowKernel {
  static func fill<In: ResamplePixel, Out: ResamplePixel>(_ row: RowContext<In, Out>)
}
