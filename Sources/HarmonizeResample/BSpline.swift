import Foundation
import HarmonizeVolume

/// Cubic B-spline interpolation as ITK's `BSplineInterpolateImageFunction` (order 3) after
/// `BSplineDecompositionImageFilter`: the image is turned into spline coefficients by a causal and an anticausal
/// recursive filter along each axis (pole √3 − 2, mirror boundaries), then each sample is the weighted sum of the
/// 4 x 4 x 4 coefficients around it, indices mirrored at the edges.
///
/// Memory: one Double per input voxel for the coefficients of one component at a time (SimpleITK holds the same).
enum BSpline {
  static let pole = 3.0.squareRoot() - 2
  /// ITK's default tolerance, which sets how many terms start the causal recursion.
  static let tolerance = 1e-10
  /// Terms of the truncated causal start: where the pole's powers fall under `tolerance`.
  static let horizon = Int((log(tolerance) / log(abs(pole))).rounded(.up))

  static func run<In: ResamplePixel, Out: ResamplePixel>(
    job: Job, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>
  ) throws {
    let size = job.input.size
    let voxels = size.x * size.y * size.z
    let coefficients = UnsafeMutablePointer<Double>.allocate(capacity: voxels)
    defer { coefficients.deallocate() }
    let defaultValue = Out.cast(job.request.defaultValue, job.request.integerCast)
    let (wo, ho) = (job.map.outputSize.x, job.map.outputSize.y)
    for t in 0..<job.timePoints {
      for c in 0..<job.components {
        let source = input + t * job.inputValuesPerTimePoint + c
        for n in 0..<voxels { coefficients[n] = source[n * job.components].doubleValue }
        decompose(coefficients, size: size, threads: job.threads)
        let shared = Shared(value: (UnsafePointer(coefficients), output + t * job.outputValuesPerTimePoint + c))
        // Separable maps: the support of every output position along each axis, computed once.
        var tables:
          (
            [(SIMD4<Int>, SIMD4<Double>, Bool)], [(SIMD4<Int>, SIMD4<Double>, Bool)],
            [(SIMD4<Int>, SIMD4<Double>, Bool)]
          )?
        if case .separable(let x, let y, let z) = job.map.kind {
          tables = (x.map { axis($0, 0, job) }, y.map { axis($0, 1, job) }, z.map { axis($0, 2, job) })
        }
        let tablesShared = Shared(value: tables)
        job.forEachRowChunk { rows in
          let (coefficients, target) = shared.value
          let tables = tablesShared.value
          for r in rows {
            let (j, k) = (r % ho, r / ho)
            let row = target + r * wo * job.components
            if let (tx, ty, tz) = tables {
              let (iy, wy, inY) = ty[j], (iz, wz, inZ) = tz[k]
              for i in 0..<wo {
                let (ix, wx, inX) = tx[i]
                row[i * job.components] =
                  inX && inY && inZ
                  ? Out.cast(evaluate(coefficients, size: size, ix, wx, iy, wy, iz, wz), job.request.integerCast)
                  : defaultValue
              }
            } else if case .general(let start, let delta) = job.map.kind {
              let s = start(j, k), d = delta(j, k)
              for i in 0..<wo {
                let alpha = Double(i) / Double(wo)
                let (ix, wx, inX) = axis(s.x + alpha * d.x, 0, job)
                let (iy, wy, inY) = axis(s.y + alpha * d.y, 1, job)
                let (iz, wz, inZ) = axis(s.z + alpha * d.z, 2, job)
                row[i * job.components] =
                  inX && inY && inZ
                  ? Out.cast(evaluate(coefficients, size: size, ix, wx, iy, wy, iz, wz), job.request.integerCast)
                  : defaultValue
              }
            }
          }
        }
      }
    }
  }

  /// Support, weights and inside flag of one position along one axis (ITK's half-open test in SimpleITK mode).
  @inline(__always)
  static func axis(_ c: Double, _ a: Int, _ job: Job) -> (SIMD4<Int>, SIMD4<Double>, Bool) {
    let n = job.input.size[a]
    let inside = c >= -0.5 && (job.halfOpen ? c < Double(n) - 0.5 : c <= Double(n) - 0.5)
    guard inside else { return (.zero, .zero, false) }
    let (index, weight) = support(c, n)
    return (index, weight, true)
  }

  /// Turns values into cubic B-spline coefficients in place, axis by axis (x, y, z), lines split over threads.
  static func decompose(_ data: UnsafeMutablePointer<Double>, size: SIMD3<Int>, threads: Int) {
    let strides = SIMD3(1, size.x, size.x * size.y)
    let shared = Shared(value: data)
    for axis in 0..<3 where size[axis] > 1 {
      let length = size[axis]
      let lines = size.x * size.y * size.z / length
      let (a, b) = ((axis + 1) % 3, (axis + 2) % 3)
      forEachChunk(of: lines, threads: threads, chunksPerThread: 8) { chunk in
        let data = shared.value
        var scratch = [Double](repeating: 0, count: length)
        for line in chunk {
          let (u, v) = (line % size[a], line / size[a])
          let base = data + u * strides[a] + v * strides[b]
          for n in 0..<length { scratch[n] = base[n * strides[axis]] }
          toCoefficients(&scratch)
          for n in 0..<length { base[n * strides[axis]] = scratch[n] }
        }
      }
    }
  }

  /// ITK's `DataToCoefficients1D` for one pole: gain, causal then anticausal recursion, mirror boundaries.
  static func toCoefficients(_ c: inout [Double]) {
    let n = c.count
    guard n > 1 else { return }
    let z = pole
    let gain = (1 - z) * (1 - 1 / z)
    for k in 0..<n { c[k] *= gain }
    c[0] = initialCausal(c, z)
    for k in 1..<n { c[k] += z * c[k - 1] }
    c[n - 1] = (z / (z * z - 1)) * (z * c[n - 2] + c[n - 1])
    for k in stride(from: n - 2, through: 0, by: -1) { c[k] = z * (c[k + 1] - c[k]) }
  }

  static func initialCausal(_ c: [Double], _ z: Double) -> Double {
    let n = c.count
    if horizon < n {
      var sum = c[0]
      var zn = z
      for k in 1..<horizon {
        sum += zn * c[k]
        zn *= z
      }
      return sum
    }
    var zn = z
    let iz = 1 / z
    var z2n = pow(z, Double(n - 1))
    var sum = c[0] + z2n * c[n - 1]
    z2n *= z2n * iz
    if n > 2 {
      for k in 1...(n - 2) {
        sum += (zn + z2n) * c[k]
        zn *= z
        z2n *= iz
      }
    }
    return sum / (1 - zn * zn)
  }

  /// The spline's value from the supports along each axis: 4 x 4 x 4 coefficients, indices mirrored at the edges.
  @inline(__always)
  static func evaluate(
    _ coefficients: UnsafePointer<Double>, size: SIMD3<Int>, _ ix: SIMD4<Int>, _ wx: SIMD4<Double>,
    _ iy: SIMD4<Int>, _ wy: SIMD4<Double>, _ iz: SIMD4<Int>, _ wz: SIMD4<Double>
  ) -> Double {
    var sum = 0.0
    for kz in 0..<4 {
      let zOffset = iz[kz] * size.x * size.y
      for ky in 0..<4 {
        let row = coefficients + zOffset + iy[ky] * size.x
        let wyz = wy[ky] * wz[kz]
        for kx in 0..<4 { sum += wx[kx] * wyz * row[ix[kx]] }
      }
    }
    return sum
  }

  /// The four coefficient indices (mirrored into 0..<n) and cubic weights along one axis, as ITK's
  /// `DetermineRegionOfSupport`, `SetInterpolationWeights` and `ApplyMirrorBoundaryConditions`.
  @inline(__always)
  static func support(_ x: Double, _ n: Int) -> (SIMD4<Int>, SIMD4<Double>) {
    let first = Int(Float(x).rounded(.down)) - 1  // ITK floors the index as float
    let w = x - Double(first + 1)
    let w3 = (1.0 / 6.0) * w * w * w
    let w0 = (1.0 / 6.0) + 0.5 * w * (w - 1.0) - w3
    let w2 = w + w0 - 2.0 * w3
    var index = SIMD4<Int>(repeating: 0)
    if n > 1 {
      for k in 0..<4 {
        var i = first + k
        if i < 0 { i = -i }
        if i > n - 1 { i = 2 * (n - 1) - i }
        index[k] = min(max(i, 0), n - 1)
      }
    }
    return (index, SIMD4(w0, 1.0 - w0 - w2 - w3, w2, w3))
  }
}
