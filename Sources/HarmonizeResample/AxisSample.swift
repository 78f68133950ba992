/// One output position along one input axis, ready for a kernel: buffer offsets of the lower and upper neighbour
/// and of the nearest voxel, the weight of the upper neighbour, and whether the position is inside the input.
///
/// Offsets are premultiplied by the axis' stride in the buffer (components × voxels of the faster axes).
struct AxisSample {
  var lower: Int
  var upper: Int
  /// Weight of `upper`; 0 where ITK skips the axis (exactly on a voxel, or clamped at an edge).
  var weight: Double
  var nearest: Int
  var inside: Bool

  /// The sample at continuous index `c` along an axis of `n` voxels.
  ///
  /// Linear follows ITK's `LinearInterpolateImageFunction`: base = max(floor(c), 0), distance = c − base; a distance
  /// ≤ 0 or a missing upper neighbour (base + 1 > n − 1) skips the axis, which the weight 0 reproduces exactly.
  /// Nearest rounds half up as ITK's `Math::Round` (its `(2c + 0.5)` rounded to even, halved by a shift).
  /// Inside: `−0.5 ≤ c < n − 0.5` as ITK's `IsInsideBuffer` with `halfOpen`, else `−0.5 ≤ c ≤ n − 0.5`.
  /// With `snap` (outside SimpleITK mode) a position within 1e-9 voxel of a voxel centre is taken as that centre,
  /// so that resampling onto the same grid returns the input exactly (index ↔ point round trips are off by an ulp,
  /// which would otherwise blend in a neighbour with a weight of 1e-16 or of 1 − 1e-16).
  @inline(__always)
  init(_ c: Double, size n: Int, stride: Int, halfOpen: Bool, snap: Bool = false) {
    var c = c
    if snap && abs(c) < 1e15 {
      let nearestInteger = Double(roundHalfEven(c))
      if abs(c - nearestInteger) < 1e-9 { c = nearestInteger }
    }
    inside = c >= -0.5 && (halfOpen ? c < Double(n) - 0.5 : c <= Double(n) - 0.5)
    guard inside else {
      lower = 0
      upper = 0
      weight = 0
      nearest = 0
      return
    }
    // floor(c) without libm: c is in [-0.5, n], so the truncating conversion is safe.
    let truncated = Int(c)
    let base = max(Double(truncated) > c ? truncated - 1 : truncated, 0)
    let distance = c - Double(base)
    if distance <= 0 || base + 1 > n - 1 {
      lower = min(base, n - 1) * stride
      upper = lower
      weight = 0
    } else {
      lower = base * stride
      upper = (base + 1) * stride
      weight = distance
    }
    let rounded = roundHalfEven(c + c + 0.5) >> 1
    nearest = min(max(rounded, 0), n - 1) * stride
  }
}

/// `y` rounded to the nearest integer, ties to even (what `cvtsd2si` does), without libm; for |y| < 2^52.
@inline(__always)
func roundHalfEven(_ y: Double) -> Int {
  let t = Int(y)
  let floorY = Double(t) > y ? t - 1 : t
  let f = y - Double(floorY)
  if f > 0.5 { return floorY + 1 }
  if f < 0.5 { return floorY }
  return floorY & 1 == 0 ? floorY : floorY + 1
}
