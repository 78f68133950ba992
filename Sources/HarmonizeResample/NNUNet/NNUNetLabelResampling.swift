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
    let n = volume.geometry.size, m = geometry.size
    var output: Volume
    do { output = try Volume(geometry: geometry, pixelType: volume.pixelType) } catch {
      throw ResampleError(.tooLarge("output grid \(formatList(m)): \(error)"))
    }
    let labels = (0..<volume.valueCount).map { volume.value(at: $0) }
    var result = [Double](repeating: 0, count: m[0] * m[1] * m[2])
    if n == m {
      result = labels
    } else {
      let samples = (0..<3).map { NNUNetAxisSamples(count: n[$0], outputCount: m[$0]) }
      result.withUnsafeMutableBufferPointer { out in
        labels.withUnsafeBufferPointer { input in
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
    for i in 0..<result.count { output.setValue(result[i], at: i) }
    return output
  }

  /// Output plane `outputPlane` across `axis` from input plane `slice`: 2D linear scores over the in-plane axes.
  static func resamplePlane(
    _ input: UnsafeBufferPointer<Double>, _ n: [Int], into out: UnsafeMutableBufferPointer<Double>, _ m: [Int],
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
            taps.add(input[base + ia * inStride[a] + ib * inStride[b]], wa * wb)
          }
        }
        let nearest = input[base + sa.nearest[i] * inStride[a] + sb.nearest[j] * inStride[b]]
        out[outputPlane * outStride[axis] + i * outStride[a] + j * outStride[b]] = taps.winner(nearest: nearest)
      }
    }
  }

  /// Output voxels whose numpy-slowest index is in `outer`: 3D linear scores.
  static func resampleVolume(
    _ input: UnsafeBufferPointer<Double>, _ n: [Int], into out: UnsafeMutableBufferPointer<Double>, _ m: [Int],
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
                taps.add(input[ia * inStride[a] + ib * inStride[b] + ic * inStride[c]], wa * wb * wc)
              }
            }
          }
          let nearest = input[sa.nearest[i] * inStride[a] + sb.nearest[j] * inStride[b] + sc.nearest[k] * inStride[c]]
          out[i * outStride[a] + j * outStride[b] + k * outStride[c]] = taps.winner(nearest: nearest)
        }
      }
    }
  }
}

/// The labels under one sample's taps (at most 8) and their scores, summed in tap order.
struct Taps {
  private var labels = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
  private var scores = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
  private var count = 0

  mutating func reset() { count = 0 }

  mutating func add(_ label: Double, _ weight: Double) {
    withUnsafeMutableBytes(of: &labels) { labelBytes in
      withUnsafeMutableBytes(of: &scores) { scoreBytes in
        let l = labelBytes.bindMemory(to: Double.self), s = scoreBytes.bindMemory(to: Double.self)
        for index in 0..<count where l[index] == label {
          s[index] += weight
          return
        }
        l[count] = label
        s[count] = 0 + weight
        count += 1
      }
    }
  }

  /// The label with the largest score (clipped to 1, as skimage clips the indicator's resize); on an exact tie the
  /// nearest voxel's label if it is among the tied, else the smaller label.
  func winner(nearest: Double) -> Double {
    withUnsafeBytes(of: labels) { labelBytes in
      withUnsafeBytes(of: scores) { scoreBytes in
        let l = labelBytes.bindMemory(to: Double.self), s = scoreBytes.bindMemory(to: Double.self)
        var best = -Double.infinity
        var label = 0.0
        var nearestScore = -1.0
        for index in 0..<count {
          let score = min(s[index], 1)
          if l[index] == nearest { nearestScore = score }
          if score > best || (score == best && l[index] < label) {
            best = score
            label = l[index]
          }
        }
        return best > 0 && nearestScore == best ? nearest : label
      }
    }
  }
}
