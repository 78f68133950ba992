/// Fast label-safe resampling for separable maps and label types of up to 16 bits (u8, i8, u16, i16: what label
/// maps are stored as).
///
/// Most output voxels lie inside one label. Each input slice is first reduced onto the output's (j, i) grid to the
/// label its four in-plane neighbours share, or to "mixed"; two reduced slices are cached per thread, as in
/// `SeparableLinear`. An output voxel whose two z-neighbours reduced to the same label is that label; only the
/// others (label boundaries) take `LabelKernel`'s full eight-neighbour vote. The result is identical to
/// `LabelKernel`'s: when all eight neighbours agree, both give that label.
enum SeparableLabel {
  static let mixed = Int32.min

  static func applies<In: ResamplePixel>(_ job: Job, _: In.Type) -> Bool {
    guard case .separable = job.map.kind, job.components == 1 else { return false }
    return In.self == UInt8.self || In.self == Int8.self || In.self == UInt16.self || In.self == Int16.self
  }

  static func run<In: ResamplePixel, Out: ResamplePixel>(
    job: Job, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>
  ) {
    guard let (xs, ys, zs) = job.separableSamples() else { return }
    let (wo, ho) = (xs.count, ys.count)
    let size = job.input.size
    let defaultValue = Out.cast(job.request.defaultValue, job.request.integerCast)
    let cast = job.request.integerCast
    // Every stored label's output value, cast once: the per-voxel cast (rounding, clamping, NaN checks) cost more
    // than the rest of the loop.
    let (low, high) = In.pixelType.byteCount == 1 ? (-128, 255) : (-32768, 65535)
    let table = UnsafeMutablePointer<Out>.allocate(capacity: high - low + 1)
    defer { table.deallocate() }
    for v in low...high { table[v - low] = Out.cast(Double(v), cast) }
    // Whether a label's output is its own bit pattern: the same width, and every value In holds cast to itself.
    let stored =
      In.self == UInt8.self
      ? 0...255 : In.self == Int8.self ? -128...127 : In.self == UInt16.self ? 0...65535 : -32768...32767
    let direct =
      MemoryLayout<Out>.size == MemoryLayout<In>.size && stored.allSatisfy { table[$0 - low].doubleValue == Double($0) }
    let shared = Shared(value: (input, output, xs, ys, zs, table))
    for t in 0..<job.timePoints {
      forEachChunk(of: job.slices.count, threads: job.threads, chunksPerThread: 4) { slices in
        let (source, target, xs, ys, zs, table) = shared.value
        let volumeIn = source + t * job.inputValuesPerTimePoint
        let volumeOut = target + t * job.outputValuesPerTimePoint
        var cache = SliceCache<Int32>(planeSize: wo * ho, rowSize: 1)
        defer { cache.release() }
        xs.withUnsafeBufferPointer { px in
          ys.withUnsafeBufferPointer { py in
            for local in slices {
              let k = job.slices.lowerBound + local
              let slice = volumeOut + local * wo * ho
              let sz = zs[k]
              guard sz.inside else {
                slice.update(repeating: defaultValue, count: wo * ho)
                continue
              }
              let plane = size.x * size.y
              let (p0, p1) = cache.planes(sz.lower / plane, sz.upper / plane) { z, reduced, _ in
                reduce(volumeIn + z * plane, into: reduced, xs: px, ys: py)
              }
              for j in 0..<ho {
                let out = slice + j * wo
                let sy = py[j]
                let a = p0 + j * wo, b = p1 + j * wo
                // One output voxel: its label when both reduced z-neighbours agree, else the full vote among the
                // eight neighbours (`LabelKernel`'s), or the default outside the input.
                @inline(__always) func single(_ i: Int) {
                  let label = a[i]
                  if label != mixed && label == b[i] {
                    out[i] = table[Int(label) - low]
                  } else if !(sy.inside && px[i].inside) {
                    out[i] = defaultValue
                  } else {
                    let sx = px[i], v = volumeIn
                    let b00 = sz.lower + sy.lower, b01 = sz.lower + sy.upper
                    let b10 = sz.upper + sy.lower, b11 = sz.upper + sy.upper
                    let winner = LabelKernel.vote(
                      v[b00 + sx.lower], v[b00 + sx.upper], v[b01 + sx.lower], v[b01 + sx.upper],
                      v[b10 + sx.lower], v[b10 + sx.upper], v[b11 + sx.lower], v[b11 + sx.upper],
                      sx.weight, sy.weight, sz.weight)
                    out[i] = table[Int(winner) - low]
                  }
                }
                var i = 0
                if direct {
                  // Sixteen voxels at a time while they lie inside one label each: test the reduced planes with
                  // one OR over the group and store the labels' own bits (the table is the identity here).
                  while i + 16 <= wo {
                    if insideOneLabelEach(a + i, b + i) {
                      storeLabels(a + i, to: UnsafeMutableRawPointer(out + i), width: MemoryLayout<Out>.size)
                    } else {
                      for n in i..<(i + 16) { single(n) }
                    }
                    i += 16
                  }
                }
                while i < wo {
                  single(i)
                  i += 1
                }
              }
            }
          }
        }
      }
    }
  }

  /// Whether the sixteen reduced positions from `a` and `b` agree and are labels (not `mixed`). Stored labels lie in
  /// -32768...65535, so `(v + 32768) >> 17` is 0 for them and not for `mixed`; written as an OR over plain integer
  /// lanes, which the compiler vectorises (Swift's SIMD masks went through memory lane by lane: 2.6x slower overall).
  @inline(__always)
  private static func insideOneLabelEach(_ a: UnsafePointer<Int32>, _ b: UnsafePointer<Int32>) -> Bool {
    var bad: Int32 = 0
    for n in 0..<16 {
      let v = a[n]
      bad |= (v ^ b[n]) | ((v &+ 32768) &>> 17)
    }
    return bad == 0
  }

  /// Sixteen labels held as Int32, stored as their low `width` bytes (1 or 2) each.
  @inline(__always)
  private static func storeLabels(_ labels: UnsafePointer<Int32>, to destination: UnsafeMutableRawPointer, width: Int) {
    if width == 1 {
      let bytes = destination.assumingMemoryBound(to: UInt8.self)
      for n in 0..<16 { bytes[n] = UInt8(truncatingIfNeeded: labels[n]) }
    } else {
      let halves = destination.assumingMemoryBound(to: UInt16.self)
      for n in 0..<16 { halves[n] = UInt16(truncatingIfNeeded: labels[n]) }
    }
  }

  /// One input slice onto the output's (j, i) grid: the label the four in-plane neighbours share, or `mixed`
  /// (also for positions outside the input, which the caller resolves).
  @inline(__always)
  private static func reduce<In: ResamplePixel>(
    _ slice: UnsafePointer<In>, into reduced: UnsafeMutablePointer<Int32>,
    xs: UnsafeBufferPointer<AxisSample>, ys: UnsafeBufferPointer<AxisSample>
  ) {
    let wo = xs.count
    for j in 0..<ys.count {
      let out = reduced + j * wo
      let sy = ys[j]
      guard sy.inside else {
        out.update(repeating: mixed, count: wo)
        continue
      }
      let r0 = slice + sy.lower, r1 = slice + sy.upper
      for i in 0..<wo {
        let sx = xs[i]
        let v = r0[sx.lower]
        out[i] = sx.inside && v == r0[sx.upper] && v == r1[sx.lower] && v == r1[sx.upper] ? Int32(v.doubleValue) : mixed
      }
    }
  }
}
