import Foundation
import HarmonizeVolume

/// nnU-Net v2's default resampling, as `DefaultPreprocessor` calls `resample_data_or_seg_to_shape` with the plans'
/// default kwargs (nnunetv2 2.8.1, `preprocessing/resampling/default_resampling.py`; batchgenerators 0.25.5):
///
/// - images: values cast to float32, then resampled in float64 with cubic B-splines (skimage `resize`, order 3,
///   mode 'edge', no anti-aliasing) and clipped to the input's range; when the spacing is anisotropic (largest over
///   smallest > 3, in the input or else the target) and one axis is the coarsest, each plane across that axis is
///   resized in 2D (and clipped to that plane's range) and the axis itself is resampled by nearest neighbour.
///   float32 out.
/// - segmentations: each label's indicator interpolated linearly (in 2D per plane, or in 3D), the label with the
///   largest score wins, an exact tie going to the nearest voxel's label when it is among the tied, else to the
///   smaller label; nearest neighbour across the separate axis. Labels out are labels in.
///
/// Samples sit at `(k + 0.5)·n/m − 0.5` in input index space on every axis (`GridPreset.nnunet`). Read from nnU-Net's,
/// skimage's, scipy's and batchgenerators' source; no code is copied. Geometry is ITK's (LPS, mm); axes are ITK's.
public enum NNUNetResampling {
  /// nnU-Net's `ANISO_THRESHOLD`.
  public static let anisotropyThreshold = 3.0

  /// The axis nnU-Net resamples on its own by nearest neighbour (`determine_do_sep_z_and_axis`, force_separate_z
  /// None), or nil: the input spacing, else the target spacing, is anisotropic and exactly one axis has its largest
  /// value. Spacings in mm, any axis order (the answer is an index into them).
  public static func separateAxis(current: [Double], target: [Double]) -> Int? {
    func anisotropic(_ s: [Double]) -> Bool { s.max()! / s.min()! > anisotropyThreshold }
    func coarsest(_ s: [Double]) -> [Int] {
      let largest = s.max()!
      return s.indices.filter { largest / s[$0] == 1 }
    }
    guard !current.isEmpty, current.count == target.count else { return nil }
    let axes: [Int]
    if anisotropic(current) {
      axes = coarsest(current)
    } else if anisotropic(target) {
      axes = coarsest(target)
    } else {
      return nil
    }
    return axes.count == 1 ? axes[0] : nil
  }

  /// An image resampled onto `geometry` (whose sizes are the output's; the samples are nnU-Net's) as nnU-Net resamples
  /// images: float32 out. `separateAxis` from `separateAxis(current:target:)`. A grid of the input's size returns
  /// the input cast to float32, as nnU-Net does ("no resampling necessary").
  /// - Throws: `ResampleError` for anything but a 3D single-component volume, or when memory cannot be had.
  public static func resampleImage(
    _ volume: Volume, onto geometry: Geometry, separateAxis: Int?, threads: Int
  ) throws(ResampleError) -> Volume {
    try checkShape(volume, geometry)
    let kernel = ImageKernel(volume: volume, geometry: geometry, separateAxis: separateAxis, threads: threads)
    do { return try dispatch(volume.pixelType, .f32, kernel) } catch {
      throw ResampleError(.tooLarge("output grid \(formatList(geometry.size)): \(error)"))
    }
  }

  /// Runs `resample(_:as:into:...)` for the input's pixel type (through the kernels' one type dispatch) into a new
  /// float32 volume on `geometry`.
  struct ImageKernel: PixelTypeKernel {
    let volume: Volume
    let geometry: Geometry
    let separateAxis: Int?
    let threads: Int

    func run<In: ResamplePixel, Out: ResamplePixel>(_ input: In.Type, _ output: Out.Type) throws -> Volume {
      var result = try Volume(geometry: geometry, pixelType: Out.pixelType)
      NNUNetResampling.resample(volume, as: In.self, into: &result, separateAxis: separateAxis, threads: threads)
      return result
    }
  }

  /// The typed input read in place (each value cast to float32 as nnU-Net casts it, then used as float64): no copy
  /// of the input is made.
  static func resample<T: StoredPixel>(
    _ volume: Volume, as type: T.Type, into output: inout Volume, separateAxis: Int?, threads: Int
  ) {
    let n = volume.geometry.size, m = output.geometry.size
    volume.withUnsafeBufferPointer(as: T.self) { typed in
      output.withUnsafeMutableBufferPointer(as: Float.self) { out in
        let input = TypedInput(values: typed)
        if n == m {
          for i in 0..<typed.count { out[i] = Float(input[i]) }
        } else if let axis = separateAxis {
          separate(input, n, into: out, m, axis: axis, threads: threads)
        } else {
          whole(input, n, into: out, m, threads: threads)
        }
      }
    }
  }

  /// The float64 working memory of resampling an image with geometry `input` onto `plan` (nnU-Net's grid), bytes:
  /// across a separate axis, two planes per thread; otherwise the 3D path's passes (x, then y, then z), of which two
  /// consecutive float64 arrays are alive at once (the first pass reads the input in place). Saturates at Int.max.
  public static func workingBytes(input: Geometry, plan: GridPlan, threads: Int) -> Int {
    guard input.dimension == 3, plan.geometry.dimension == 3 else { return 0 }
    let n = input.size.map(Double.init), m = plan.geometry.size.map(Double.init)
    let target = plan.requestedSpacing ?? plan.geometry.spacing
    let bytes: Double
    if let axis = separateAxis(current: input.spacing, target: target) {
      let (p, q) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
      bytes = 8 * (m[p] * n[q] + m[p] * m[q]) * Double(max(1, threads))
    } else {
      let sizes = [n[0] * n[1] * n[2], m[0] * n[1] * n[2], m[0] * m[1] * n[2], m[0] * m[1] * m[2]]
      bytes = 8 * max(sizes[1], sizes[1] + sizes[2], sizes[2] + sizes[3])
    }
    return bytes < Double(Int.max) ? Int(bytes) : Int.max
  }

  static func checkShape(_ volume: Volume, _ geometry: Geometry) throws(ResampleError) {
    guard volume.geometry.dimension == 3, geometry.dimension == 3, volume.components == 1 else {
      throw ResampleError(
        .invalidRequest("nnU-Net's resampling takes 3D single-component images (one file per channel)"))
    }
  }

  /// Every plane across `axis` resized in 2D (cubic, clipped to the plane's range), then nearest neighbour along it.
  static func separate<T: StoredPixel>(
    _ input: TypedInput<T>, _ n: [Int], into out: UnsafeMutableBufferPointer<Float>, _ m: [Int],
    axis: Int, threads: Int
  ) {
    let (p, q) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
    let inStride = [1, n[0], n[0] * n[1]], outStride = [1, m[0], m[0] * m[1]]
    let lineP = NNUNetCubicLine(count: n[p], outputCount: m[p])
    let lineQ = NNUNetCubicLine(count: n[q], outputCount: m[q])
    let along = NNUNetAxisSamples(count: n[axis], outputCount: m[axis])
    // The output planes each input plane lands in (nearest neighbour along the axis is monotone).
    var planesOf = [[Int]](repeating: [], count: n[axis])
    for k in 0..<m[axis] { planesOf[along.nearest[k]].append(k) }
    let targets = Shared(value: planesOf)
    let source = Shared(value: input), target = Shared(value: out)
    forEachChunk(of: n[axis], threads: threads, chunksPerThread: 4) { slices in
      let input = source.value, out = target.value
      let first = UnsafeMutablePointer<Double>.allocate(capacity: m[p] * n[q])
      let plane = UnsafeMutablePointer<Double>.allocate(capacity: m[p] * m[q])
      let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(lineP.scratchCount, lineQ.scratchCount))
      defer {
        first.deallocate()
        plane.deallocate()
        scratch.deallocate()
      }
      for s in slices where !targets.value[s].isEmpty {
        let base = s * inStride[axis]
        var low = Double.infinity, high = -Double.infinity
        for j in 0..<n[q] {
          for i in 0..<n[p] {
            let v = input[base + i * inStride[p] + j * inStride[q]]
            low = min(low, v)
            high = max(high, v)
          }
        }
        for j in 0..<n[q] {
          let row = base + j * inStride[q]
          lineP.apply(scratch: scratch, read: { input[row + $0 * inStride[p]] }, write: { first[j * m[p] + $0] = $1 })
        }
        for i in 0..<m[p] {
          lineQ.apply(scratch: scratch, read: { first[$0 * m[p] + i] }, write: { plane[$0 * m[p] + i] = $1 })
        }
        for k in targets.value[s] {
          let outBase = k * outStride[axis]
          for j in 0..<m[q] {
            for i in 0..<m[p] {
              out[outBase + i * outStride[p] + j * outStride[q]] = Float(min(max(plane[j * m[p] + i], low), high))
            }
          }
        }
      }
    }
  }

  /// A 3D cubic resize of the whole volume, clipped to its range: one axis at a time, in float64. The first pass reads
  /// the typed input in place (no float64 copy of the input is made).
  static func whole<T: StoredPixel>(
    _ input: TypedInput<T>, _ n: [Int], into out: UnsafeMutableBufferPointer<Float>, _ m: [Int],
    threads: Int
  ) {
    var low = Double.infinity, high = -Double.infinity
    for i in 0..<input.values.count {
      let v = input[i]
      low = min(low, v)
      high = max(high, v)
    }
    var size = n
    var current = pass(input, size, axis: 0, to: m[0], threads: threads)
    size[0] = m[0]
    for axis in 1..<3 {
      current = current.withUnsafeBufferPointer { pass($0, size, axis: axis, to: m[axis], threads: threads) }
      size[axis] = m[axis]
    }
    for i in 0..<current.count { out[i] = Float(min(max(current[i], low), high)) }
  }

  /// `values` (sizes `size`, x fastest) resized along `axis` to `count` samples.
  static func pass<Source: DoubleSource>(
    _ values: Source, _ size: [Int], axis: Int, to count: Int, threads: Int
  ) -> [Double] {
    let line = NNUNetCubicLine(count: size[axis], outputCount: count)
    var next = size
    next[axis] = count
    let inStride = [1, size[0], size[0] * size[1]], outStride = [1, next[0], next[0] * next[1]]
    let (p, q) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
    var result = [Double](repeating: 0, count: next[0] * next[1] * next[2])
    result.withUnsafeMutableBufferPointer { target in
      let from = Shared(value: values), to = Shared(value: target)
      forEachChunk(of: size[q], threads: threads, chunksPerThread: 4) { rows in
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: line.scratchCount)
        defer { scratch.deallocate() }
        for j in rows {
          for i in 0..<size[p] {
            let inBase = i * inStride[p] + j * inStride[q], outBase = i * outStride[p] + j * outStride[q]
            line.apply(
              scratch: scratch, read: { from.value[inBase + $0 * inStride[axis]] },
              write: { to.value[outBase + $0 * outStride[axis]] = $1 })
          }
        }
      }
    }
    return result
  }
}

/// Values read as float64 by flat index: a float64 buffer, or a typed input cast as nnU-Net casts it.
protocol DoubleSource {
  subscript(index: Int) -> Double { get }
}

extension UnsafeBufferPointer: DoubleSource where Element == Double {}

/// A typed input buffer read as nnU-Net holds it: each value cast to float32, used as float64.
struct TypedInput<T: StoredPixel>: DoubleSource, @unchecked Sendable {
  let values: UnsafeBufferPointer<T>
  @inline(__always) subscript(index: Int) -> Double { Double(Float(values[index].doubleValue)) }
}
