import Foundation

/// One axis of nnU-Net's cubic resize, as skimage's `resize(order=3, mode='edge', anti_aliasing=False)` runs it
/// through `scipy.ndimage.zoom(grid_mode=True, mode='nearest')`: the line is padded with 12 copies of each edge
/// value, turned into cubic B-spline coefficients (mirror boundary, the full causal sum), and sampled at
/// `(k + 0.5)·n/m − 0.5`: the field of view's edges aligned (align_corners=False). Applied once per axis, it gives
/// the tensor-product result of the 2D or 3D zoom (the prefilter and the sampling are separable).
///
/// Written from scipy's documented algorithm (Unser's recursive B-spline filter, `ndimage/src/ni_splines.c`); no code
/// is copied. All arithmetic is float64, as nnU-Net resamples float64 arrays.
struct NNUNetCubicLine: Sendable {
  /// Samples in and out.
  let count: Int
  let outputCount: Int
  /// First of the four padded-line taps of each output sample.
  let starts: [Int]
  /// Four weights per output sample.
  let weights: [Double]

  /// Edge copies scipy pads a line with before the prefilter (`_prepad_for_spline_filter`).
  static let padding = 12
  /// The cubic B-spline's pole, √3 − 2.
  static let pole = -0.267949192431122706472553658494127633

  init(count n: Int, outputCount m: Int) {
    count = n
    outputCount = m
    let zoom = Double(n) / Double(m)
    let last = Double(n + 2 * Self.padding - 1)
    var starts = [Int](repeating: 0, count: m)
    var weights = [Double](repeating: 0, count: 4 * m)
    for k in 0..<m {
      // mode 'nearest' clamps the coordinate into the (padded) line; with 12 samples of padding it never has to.
      let cc = min(max((Double(k) + 0.5) * zoom - 0.5 + Double(Self.padding), 0), last)
      let floorCC = cc.rounded(.down)
      let x = cc - floorCC
      let y = x, z = 1 - x
      let w1 = (y * y * (y - 2) * 3 + 4) / 6
      let w2 = (z * z * (z - 2) * 3 + 4) / 6
      let w0 = z * z * z / 6
      var w3 = 1.0
      w3 -= w0
      w3 -= w1
      w3 -= w2
      starts[k] = Int(floorCC) - 1
      weights[4 * k] = w0
      weights[4 * k + 1] = w1
      weights[4 * k + 2] = w2
      weights[4 * k + 3] = w3
    }
    self.starts = starts
    self.weights = weights
  }

  /// Doubles of scratch `apply` needs: the padded line.
  var scratchCount: Int { count + 2 * Self.padding }

  /// Resamples the `count` values `read(i)` into `write(k, value)` for k in 0..<outputCount, using `scratch`
  /// (at least `scratchCount` doubles).
  @inline(__always)
  func apply(
    scratch: UnsafeMutablePointer<Double>, read: (Int) -> Double, write: (Int, Double) -> Void
  ) {
    let padded = scratchCount
    let pad = Self.padding
    for i in 0..<padded { scratch[i] = read(min(max(i - pad, 0), count - 1)) }
    Self.prefilter(scratch, padded)
    for k in 0..<outputCount {
      let s = starts[k]
      let w = 4 * k
      let value =
        weights[w] * scratch[s] + weights[w + 1] * scratch[s + 1] + weights[w + 2] * scratch[s + 2] + weights[w + 3]
        * scratch[s + 3]
      write(k, value)
    }
  }

  /// Cubic B-spline coefficients of `c[0..<n]` in place, mirror boundary: gain, causal pass from the exact mirror
  /// sum, anticausal pass.
  static func prefilter(_ c: UnsafeMutablePointer<Double>, _ n: Int) {
    let z = pole
    let gain = (1 - z) * (1 - 1 / z)
    for i in 0..<n { c[i] *= gain }
    guard n > 1 else { return }
    let zn1 = pow(z, Double(n - 1))
    var first = c[0] + zn1 * c[n - 1]
    var zi = z
    var i = 1
    // Once z^i underflows to zero every further term is zero.
    while i < n - 1 && zi != 0 {
      first += zi * (c[i] + zn1 * c[n - 1 - i])
      zi *= z
      i += 1
    }
    c[0] = first / (1 - zn1 * zn1)
    for i in 1..<n { c[i] += z * c[i - 1] }
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1)
    var j = n - 2
    while j >= 0 {
      c[j] = z * (c[j + 1] - c[j])
      j -= 1
    }
  }
}
