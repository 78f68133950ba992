import Foundation
import HarmonizeVolume

/// nnU-Net v2's default segmentation resampling (`resample_data_or_seg` with `is_seg=True`, order 1, order_z 0, and
/// batchgenerators 0.25.5's `resize_segmentation`): every label's indicator resized linearly, the per-voxel argmax
/// taken, an exact tie settled by the nearest voxel's label when it is among the tied (`seg_tiebreak='nearest'`), else
/// by the smaller label. Scores are summed tap by tap in numpy's axis order, as scipy's zoom sums them, so that exact
/// ties (every boundary voxel of an even resize factor) come out the same.
extension NNUNetResampling {
  /// A segmentation resampled onto `geometry` (nnU-Net's samples): same pixel type, only input labels.
  /// `numpyAxes` lists the ITK axes from numpy's slowest to its fastest (SimpleITK's arrays: `[2, 1, 0]`; after a
  /// plan's `transpose_forward` t: `t.map { 2 - $0 }`): the order in which scipy sums the taps.
  /// - Throws: `ResampleError` for anything but a 3D single-component volume, or when memory cannot be had.
  public static func resampleLabels(
    _ volume: Volume, onto geometry: Geometry, separateAxis: Int?, numpyAxes: [Int] = [2, 1, 0], threads: Int
  ) throws(ResampleError) -> Volume {
    try checkShape(volume, geometry)
    let kernel = LabelKernel(
      volume: volume, geometry: geometry, separateAxis: separateAxis, numpyAxes: numpyAxes, threads: threads)
    do { return try dispatch(volume.pixelType, volume.pixelType, kernel) } catch {
      throw ResampleError(.tooLarge("output grid \(formatList(geometry.size)): \(error)"))
    }
  }

  /// Runs `resampleLabels(_:_:into:...)` for the input's pixel type (through the kernels' one type dispatch) into a
  /// new volume of that type on `geometry`.
  struct LabelKernel: PixelTypeKernel {
    let volume: Volume
    let geometry: Geometry
    let separateAxis: Int?
    let numpyAxes: [Int]
    let threads: Int

    func run<In: ResamplePixel, Out: ResamplePixel>(_ input: In.Type, _: Out.Type) throws -> Volume {
      var result = try Volume(geometry: geometry, pixelType: In.pixelType)
      NNUNetResampling.resampleLabels(volume, In.self, into: &result, separateAxis, numpyAxes, threads)
      return result
    }
  }

  /// The typed input read in place and the winner's own stored value copied out: no float64 copy of either volume
  /// (labels are compared as float64, as nnU-Net compares them).
  static func resampleLabels<T: StoredPixel>(
    _ volume: Volume, _ type: T.Type, into output: inout Volume, _ separateAxis: Int?, _ numpyAxes: [Int],
    _ threads: Int
  ) {
    let n = volume.geometry.size, m = output.geometry.size
    volume.withUnsafeBufferPointer(as: T.self) { input in
      output.withUnsafeMutableBufferPointer(as: T.self) { out in
        if n == m {
          for i in 0..<input.count { out[i] = input[i] }
          return
        }
        let samples = (0..<3).map { NNUNetAxisSamples(count: n[$0], outputCount: m[$0]) }
        let source = Shared(value: input), target = Shared(value: out)
        if let axis = separateAxis {
          let inPlane = numpyAxes.filter { $0 != axis }
          forEachChunk(of: n[axis], threads: threads, chunksPerThread: 4) { slices in
            for s in slices {
              for k in 0..<m[axis] where samples[axis].nearest[k] == s {
                resamplePlane(
                  source.value, n, into: target.value, m, axis: axis, slice: s, outputPlane: k, inPlane: inPlane,
                  samples: samples)
              }
            }
          }
        } else {
          forEachChunk(of: m[numpyAxes[0]], threads: threads, chunksPerThread: 4) { outer in
            resampleVolume(
              source.value, n, into: target.value, m, outer: outer, numpyAxes: numpyAxes, samples: samples)
          }
        }
      }
    }
  }

  /// Output plane `outputPlane` across `axis` from input plane `slice`: 2D linear scores over the in-plane axes.
  static func resamplePlane<T: StoredPixel>(
    _ input: UnsafeBufferPointer<T>, _ n: [Int], into out: UnsafeMutableBufferPointer<T>, _ m: [Int],
    axis: Int, slice: Int, outputPlane: Int, inPlane: [Int], samples: [NNUNetAxisSamples]
  ) {
    let inStride = [1, n[0], n[0] * n[1]], outStride = [1, m[0], m[0] * m[1]]
    let (a, b) = (inPlane[0], inPlane[1])  // a: numpy's slower in-plane axis
    let base = slice * inStride[axis]
    var taps = Taps()
    for i in 0..<m[a] {
      for j in 0..<m[b] {
        taps.reset()
        let sa = samples[a], sb = samples[b]
        for ta in 0..<2 {
          let (ia, wa) = ta == 0 ? (sa.lower[i], sa.lowerWeight[i]) : (sa.upper[i], sa.upperWeight[i])
          for tb in 0..<2 {
            let (ib, wb) = tb == 0 ? (sb.lower[j], sb.lowerWeight[j]) : (sb.upper[j], sb.upperWeight[j])
            let at = base + ia * inStride[a] + ib * inStride[b]
            taps.add(input[at].doubleValue, wa * wb, at: at)
          }
        }
        let nearest = input[base + sa.nearest[i] * inStride[a] + sb.nearest[j] * inStride[b]].doubleValue
        out[outputPlane * outStride[axis] + i * outStride[a] + j * outStride[b]] = input[taps.winner(nearest: nearest)]
      }
    }
  }

  /// Output voxels whose numpy-slowest index is in `outer`: 3D linear scores.
  static func resampleVolume<T: StoredPixel>(
    _ input: UnsafeBufferPointer<T>, _ n: [Int], into out: UnsafeMutableBufferPointer<T>, _ m: [Int],
    outer: Range<Int>, numpyAxes: [Int], samples: [NNUNetAxisSamples]
  ) {
    let inStride = [1, n[0], n[0] * n[1]], outStride = [1, m[0], m[0] * m[1]]
    let (a, b, c) = (numpyAxes[0], numpyAxes[1], numpyAxes[2])
    let sa = samples[a], sb = samples[b], sc = samples[c]
    var taps = Taps()
    for i in outer {
      for j in 0..<m[b] {
        for k in 0..<m[c] {
          taps.reset()
          for ta in 0..<2 {
            let (ia, wa) = ta == 0 ? (sa.lower[i], sa.lowerWeight[i]) : (sa.upper[i], sa.upperWeight[i])
            for tb in 0..<2 {
              let (ib, wb) = tb == 0 ? (sb.lower[j], sb.lowerWeight[j]) : (sb.upper[j], sb.upperWeight[j])
              for tc in 0..<2 {
                let (ic, wc) = tc == 0 ? (sc.lower[k], sc.lowerWeight[k]) : (sc.upper[k], sc.upperWeight[k])
                let at = ia * inStride[a] + ib * inStride[b] + ic * inStride[c]
                taps.add(input[at].doubleValue, wa * wb * wc, at: at)
              }
            }
          }
          let nearest = input[
            sa.nearest[i] * inStride[a] + sb.nearest[j] * inStride[b] + sc.nearest[k] * inStride[c]
          ].doubleValue
          out[i * outStride[a] + j * outStride[b] + k * outStride[c]] = input[taps.winner(nearest: nearest)]
        }
      }
    }
  }
}

/// The labels under one sample's taps (at most 8) and their scores, summed in tap order.
struct Taps {
  private var labels = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
  private var scores = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
  /// Where in the input each label was found: the winner's stored value is copied from there.
  private var where_ = (0, 0, 0, 0, 0, 0, 0, 0)
  private var count = 0

  mutating func reset() { count = 0 }

  mutating func add(_ label: Double, _ weight: Double, at position: Int) {
    withUnsafeMutableBytes(of: &labels) { labelBytes in
      withUnsafeMutableBytes(of: &scores) { scoreBytes in
        withUnsafeMutableBytes(of: &where_) { whereBytes in
          let l = labelBytes.bindMemory(to: Double.self), s = scoreBytes.bindMemory(to: Double.self)
          for index in 0..<count where l[index] == label {
            s[index] += weight
            return
          }
          l[count] = label
          s[count] = 0 + weight
          whereBytes.bindMemory(to: Int.self)[count] = position
          count += 1
        }
      }
    }
  }

  /// Where in the input the winning label is stored: the label with the largest score (clipped to 1, as skimage
  /// clips the indicator's resize); on an exact tie the nearest voxel's label if it is among the tied, else the
  /// smaller label.
  func winner(nearest: Double) -> Int {
    withUnsafeBytes(of: labels) { labelBytes in
      withUnsafeBytes(of: scores) { scoreBytes in
        withUnsafeBytes(of: where_) { whereBytes in
          let l = labelBytes.bindMemory(to: Double.self), s = scoreBytes.bindMemory(to: Double.self)
          let positions = whereBytes.bindMemory(to: Int.self)
          var best = -Double.infinity
          var winner = 0
          var nearestIndex = -1
          for index in 0..<count {
            let score = min(s[index], 1)
            if l[index] == nearest { nearestIndex = index }
            if score > best || (score == best && l[index] < l[winner]) {
              best = score
              winner = index
            }
          }
          if best > 0, nearestIndex >= 0, min(s[nearestIndex], 1) == best { winner = nearestIndex }
          return positions[winner]
        }
      }
    }
  }
}
