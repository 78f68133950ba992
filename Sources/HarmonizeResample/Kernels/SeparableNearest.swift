/// Nearest neighbour for separable maps and one component: per output row, the input row its (j, k) sample picks,
/// then one offset load per voxel from a table of the x samples' nearest offsets.
///
/// The same samples as `NearestKernel` (`AxisSample.nearest`, ITK's half-up rounding) and the same cast, so the result
/// is identical; what goes is the per-voxel work of the general row loop (three samples loaded and tested, a
/// component loop). Columns outside the input are one run at each end (the samples are monotonic along an axis).
enum SeparableNearest {
  static func applies(_ job: Job) -> Bool {
    guard case .separable = job.map.kind else { return false }
    return job.components == 1
  }

  static func run<In: ResamplePixel, Out: ResamplePixel>(
    job: Job, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>
  ) {
    guard let (xs, ys, zs) = job.separableSamples() else { return }
    let (wo, ho) = (xs.count, ys.count)
    let offsets = xs.map(\.nearest)
    let (first, end) = xs.map(\.inside).withUnsafeBufferPointer { insideRun($0.baseAddress!, count: wo) }
    let defaultValue = Out.cast(job.request.defaultValue, job.request.integerCast)
    let cast = job.request.integerCast
    let shared = Shared(value: (input, output, offsets))
    for t in 0..<job.timePoints {
      job.forEachRowChunk { rows in
        let (source, target, offsets) = shared.value
        let volumeIn = source + t * job.inputValuesPerTimePoint
        let volumeOut = target + t * job.outputValuesPerTimePoint
        offsets.withUnsafeBufferPointer { offset in
          for r in rows {
            let (j, k) = (r % ho, job.slices.lowerBound + r / ho)
            let out = volumeOut + r * wo
            let (sy, sz) = (ys[j], zs[k])
            guard sy.inside && sz.inside && first < end else {
              out.update(repeating: defaultValue, count: wo)
              continue
            }
            out.update(repeating: defaultValue, count: first)
            (out + end).update(repeating: defaultValue, count: wo - end)
            let row = volumeIn + sz.nearest + sy.nearest
            if In.self == Out.self {
              let same = UnsafeMutableRawPointer(out).assumingMemoryBound(to: In.self)
              for i in first..<end { same[i] = row[offset[i]] }
            } else {
              for i in first..<end { out[i] = Out.cast(row[offset[i]].doubleValue, cast) }
            }
          }
        }
      }
    }
  }
}
