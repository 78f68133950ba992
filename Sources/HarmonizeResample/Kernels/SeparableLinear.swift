/// Fast trilinear resampling for separable maps (output axes parallel to the input's: every resample to a
/// spacing), used outside SimpleITK mode.
///
/// Each output slice k is a lerp of two input slices along z, and each of those is first reduced in-plane onto the
/// output's (j, i) grid, along y and then x. Reduced slices are cached two at a time per thread, so each input
/// slice is reduced about once: the work is about one lerp per output voxel plus one per reduced input value, all
/// on contiguous rows. Memory: two reduced slices and one row per thread.
///
/// The arithmetic is the same trilinear interpolation as `LinearKernel` with the same clamping, in a different
/// order (y, x, then z) and in `Acc` precision: Float for inputs of 16 bits or fewer and f32, Double otherwise.
/// Results agree with ITK's order to float rounding (about 1e-7 of the value).
enum SeparableLinear {
  /// Per output position along one axis: neighbour indices, weight and inside flag, in raw buffers so that the
  /// hot loops of both threads touch no reference count (shared Swift arrays there cost more than the arithmetic).
  struct Axis<Acc: BinaryFloatingPoint & Sendable>: @unchecked Sendable {
    let count: Int
    let lower: UnsafeMutablePointer<Int>
    let upper: UnsafeMutablePointer<Int>
    let weight: UnsafeMutablePointer<Acc>
    let inside: UnsafeMutablePointer<Bool>

    init(_ coordinates: [Double], size n: Int, halfOpen: Bool) {
      count = coordinates.count
      lower = .allocate(capacity: max(count, 1))
      upper = .allocate(capacity: max(count, 1))
      weight = .allocate(capacity: max(count, 1))
      inside = .allocate(capacity: max(count, 1))
      for (k, c) in coordinates.enumerated() {
        let sample = AxisSample(c, size: n, stride: 1, halfOpen: halfOpen, snap: true)
        lower[k] = sample.lower
        upper[k] = sample.upper
        weight[k] = Acc(sample.weight)
        inside[k] = sample.inside
      }
    }

    func release() {
      lower.deallocate()
      upper.deallocate()
      weight.deallocate()
      inside.deallocate()
    }
  }

  /// Whether this job can take the fast path.
  static func applies(_ job: Job) -> Bool {
    guard case .separable = job.map.kind else { return false }
    return !job.request.sitkCompatible && job.components == 1
  }

  static func run<In: ResamplePixel, Out: ResamplePixel>(
    job: Job, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>
  ) {
    if In.pixelType.byteCount <= 2 || In.self == Float.self {
      run(job, input, output, Float.self)
    } else {
      run(job, input, output, Double.self)
    }
  }

  private static func run<In: ResamplePixel, Out: ResamplePixel, Acc: BinaryFloatingPoint & Sendable>(
    _ job: Job, _ input: UnsafePointer<In>, _ output: UnsafeMutablePointer<Out>, _: Acc.Type
  ) {
    guard case .separable(let cx, let cy, let cz) = job.map.kind else { return }
    let size = job.input.size
    let xs = Axis<Acc>(cx, size: size.x, halfOpen: job.halfOpen)
    let ys = Axis<Acc>(cy, size: size.y, halfOpen: job.halfOpen)
    let zs = Axis<Acc>(cz, size: size.z, halfOpen: job.halfOpen)
    defer {
      xs.release()
      ys.release()
      zs.release()
    }
    let (wo, ho) = (cx.count, cy.count)
    let defaultValue = Out.cast(job.request.defaultValue, job.request.integerCast)
    let cast = job.request.integerCast
    let shared = Shared(value: (input, output))
    let (first, end) = insideRun(xs.inside, count: wo)
    for t in 0..<job.timePoints {
      forEachChunk(of: job.slices.count, threads: job.threads, chunksPerThread: 4) { slices in
        let (source, target) = shared.value
        let volumeIn = source + t * job.inputValuesPerTimePoint
        let volumeOut = target + t * job.outputValuesPerTimePoint
        var cache = SliceCache<Acc>(planeSize: wo * ho, rowSize: size.x)
        defer { cache.release() }
        for local in slices {
          let k = job.slices.lowerBound + local
          let slice = volumeOut + local * wo * ho
          guard zs.inside[k] else {
            slice.update(repeating: defaultValue, count: wo * ho)
            continue
          }
          let (p0, p1) = cache.planes(zs.lower[k], zs.upper[k]) { z, plane, row in
            reduce(volumeIn + z * size.x * size.y, width: size.x, into: plane, row: row, xs: xs, ys: ys)
          }
          let wz = zs.weight[k]
          for j in 0..<ho {
            let out = slice + j * wo
            guard ys.inside[j], first < end else {
              out.update(repeating: defaultValue, count: wo)
              continue
            }
            if first > 0 { out.update(repeating: defaultValue, count: first) }
            if end < wo { (out + end).update(repeating: defaultValue, count: wo - end) }
            RowStore.lerp(
              p0 + j * wo + first, p1 + j * wo + first, wz, into: out + first, count: end - first, cast: cast)
          }
        }
      }
    }
  }

  /// One input slice reduced onto the output's in-plane grid: along y into `row`, then along x into `plane`.
  @inline(__always)
  private static func reduce<In: ResamplePixel, Acc: BinaryFloatingPoint & Sendable>(
    _ slice: UnsafePointer<In>, width: Int, into plane: UnsafeMutablePointer<Acc>, row: UnsafeMutablePointer<Acc>,
    xs: Axis<Acc>, ys: Axis<Acc>
  ) {
    let wo = xs.count
    for j in 0..<ys.count where ys.inside[j] {
      let r0 = slice + ys.lower[j] * width, r1 = slice + ys.upper[j] * width
      let wy = ys.weight[j]
      if wy == 0 {
        for x in 0..<width { row[x] = Acc(r0[x].doubleValue) }
      } else {
        for x in 0..<width {
          let a = Acc(r0[x].doubleValue)
          row[x] = a + (Acc(r1[x].doubleValue) - a) * wy
        }
      }
      let out = plane + j * wo
      for i in 0..<wo {
        let a = row[xs.lower[i]]
        out[i] = a + (row[xs.upper[i]] - a) * xs.weight[i]
      }
    }
  }
}

/// The positions along an output axis that lie inside the input: one contiguous run `first..<end` (empty when none).
func insideRun(_ inside: UnsafePointer<Bool>, count: Int) -> (first: Int, end: Int) {
  var first = 0
  while first < count && !inside[first] { first += 1 }
  var end = count
  while end > first && !inside[end - 1] { end -= 1 }
  return (first, end)
}

/// Two reduced input slices (values, or labels), kept while consecutive output slices need them.
struct SliceCache<Acc> {
  private var buffers: [UnsafeMutablePointer<Acc>]
  private var keys = [-1, -1]
  private let row: UnsafeMutablePointer<Acc>

  init(planeSize: Int, rowSize: Int) {
    buffers = [
      UnsafeMutablePointer<Acc>.allocate(capacity: max(planeSize, 1)),
      UnsafeMutablePointer<Acc>.allocate(capacity: max(planeSize, 1)),
    ]
    row = UnsafeMutablePointer<Acc>.allocate(capacity: max(rowSize, 1))
  }

  /// The reduced slices `z0` and `z1`, computing those not cached with `make(z, plane, row)`.
  mutating func planes(
    _ z0: Int, _ z1: Int, make: (Int, UnsafeMutablePointer<Acc>, UnsafeMutablePointer<Acc>) -> Void
  )
    -> (UnsafeMutablePointer<Acc>, UnsafeMutablePointer<Acc>)
  {
    func slot(_ z: Int, avoiding other: Int) -> Int {
      if let hit = keys.firstIndex(of: z) { return hit }
      let victim = keys[0] == other ? 1 : 0
      make(z, buffers[victim], row)
      keys[victim] = z
      return victim
    }
    let a = slot(z0, avoiding: -2)
    let b = slot(z1, avoiding: z0)
    return (buffers[a], buffers[b])
  }

  func release() {
    buffers.forEach { $0.deallocate() }
    row.deallocate()
  }
}
