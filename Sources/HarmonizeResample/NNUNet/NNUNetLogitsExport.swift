import Foundation

/// nnU-Net v2's export of a prediction, from the network's logits to labels on the cropped original grid, computed a
/// plane at a time with a running maximum over the classes, so that memory does not grow with the number of classes.
///
/// nnunetv2 2.8.1's `convert_predicted_logits_to_segmentation_with_correct_shape` resamples every class with the
/// plans' default `resampling_fn_probabilities` (`resample_data_or_seg_to_shape`, is_seg False, order 1, order_z 0,
/// force_separate_z None) into an array of the logits' dtype, then takes the argmax (the first class wins a tie).
/// Per class, that is skimage's `resize(order=1, mode='edge', anti_aliasing=False)` in float64 (scipy's `zoom` with
/// `grid_mode=True`: samples at `(k + 0.5)·n/m − 0.5`, clamped into the line; the 8 (or 4) taps summed in C order of
/// the tap offsets, each the value times the axis weights in axis order), clipped to the input's range, and cast to
/// float16. When the spacing is anisotropic (`NNUNetResampling.separateAxis` of the plan spacing and the original
/// spacing), each plane across the coarse axis is resized in 2D (clipped to that plane's range) and the coarse axis
/// is sampled by nearest neighbour. Every step is reproduced here in that order and precision. Read from nnunetv2's,
/// skimage's and scipy's source; no code is copied.
public enum NNUNetLogitsExport {
  /// Where the labels go: the label of output voxel (t0, t1, t2) (nnU-Net's transposed axes, on the cropped grid) is
  /// stored at `base + t0·strides[0] + t1·strides[1] + t2·strides[2]`, which may un-crop and un-transpose it.
  public struct Destination<Label: FixedWidthInteger & UnsignedInteger>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Label>
    public let base: Int
    public let strides: [Int]

    public init(pointer: UnsafeMutablePointer<Label>, base: Int, strides: [Int]) {
      self.pointer = pointer
      self.base = base
      self.strides = strides
    }
  }

  /// Writes the argmax label (the class index) of every voxel of `shape` (the cropped shape before nnU-Net's
  /// resampling, transposed order) into `destination`. `separateAxis` from `NNUNetResampling.separateAxis(current:
  /// plan spacing, target: original spacing)`, both transposed.
  public static func argmax<Label: FixedWidthInteger & UnsignedInteger>(
    _ logits: NNUNetLogits, to shape: [Int], separateAxis: Int?, into destination: Destination<Label>, threads: Int
  ) {
    precondition(logits.shape.count == 3 && shape.count == 3 && destination.strides.count == 3)
    if let axis = separateAxis {
      separate(logits, shape, axis: axis, destination, threads: threads)
    } else {
      whole(logits, shape, destination, threads: threads)
    }
  }

  /// The 3D path: one output plane along axis 0 at a time.
  static func whole<Label: FixedWidthInteger & UnsignedInteger>(
    _ logits: NNUNetLogits, _ m: [Int], _ destination: Destination<Label>, threads: Int
  ) {
    let n = logits.shape
    let axes = (0..<3).map { NNUNetAxisSamples(count: n[$0], outputCount: m[$0]) }
    let ranges = classRanges(logits, threads: threads)
    let rowLength = n[2], planeLength = n[1] * n[2]
    forEachChunk(of: m[0], threads: threads, chunksPerThread: 4) { planes in
      let partial = UnsafeMutablePointer<Double>.allocate(capacity: 4 * rowLength)
      let best = UnsafeMutablePointer<Double>.allocate(capacity: m[1] * m[2])
      let label = UnsafeMutablePointer<Label>.allocate(capacity: m[1] * m[2])
      defer {
        partial.deallocate()
        best.deallocate()
        label.deallocate()
      }
      let (x, y, z) = (axes[2], axes[1], axes[0])
      for k0 in planes {
        best.initialize(repeating: -.infinity, count: m[1] * m[2])
        label.initialize(repeating: 0, count: m[1] * m[2])
        let a0 = z.lowerWeight[k0], a1 = z.upperWeight[k0]
        let plane0 = z.lower[k0] * planeLength, plane1 = z.upper[k0] * planeLength
        for c in 0..<logits.classes {
          let (low, high) = ranges[c]
          for k1 in 0..<m[1] {
            let b0 = y.lowerWeight[k1], b1 = y.upperWeight[k1]
            let row0 = y.lower[k1] * rowLength, row1 = y.upper[k1] * rowLength
            // ((v·a)·b) for the four (axis 0, axis 1) taps of every input sample on the rows, in scipy's tap order.
            for u in 0..<rowLength {
              partial[u] = (logits.value(c, plane0 + row0 + u) * a0) * b0
              partial[rowLength + u] = (logits.value(c, plane0 + row1 + u) * a0) * b1
              partial[2 * rowLength + u] = (logits.value(c, plane1 + row0 + u) * a1) * b0
              partial[3 * rowLength + u] = (logits.value(c, plane1 + row1 + u) * a1) * b1
            }
            let out = k1 * m[2]
            for k2 in 0..<m[2] {
              let lo = x.lower[k2], hi = x.upper[k2], c0 = x.lowerWeight[k2], c1 = x.upperWeight[k2]
              var t = 0.0
              t += partial[lo] * c0
              t += partial[hi] * c1
              t += partial[rowLength + lo] * c0
              t += partial[rowLength + hi] * c1
              t += partial[2 * rowLength + lo] * c0
              t += partial[2 * rowLength + hi] * c1
              t += partial[3 * rowLength + lo] * c0
              t += partial[3 * rowLength + hi] * c1
              let v = logits.rounded(min(max(t, low), high))
              if v > best[out + k2] {
                best[out + k2] = v
                label[out + k2] = Label(truncatingIfNeeded: c)
              }
            }
          }
        }
        store(label, plane: k0, axis: 0, m, destination)
      }
    }
  }

  /// The separate path: every input plane across `axis` resized in 2D per class (clipped to that plane's range), its
  /// argmax copied to the output planes whose nearest input plane it is.
  static func separate<Label: FixedWidthInteger & UnsignedInteger>(
    _ logits: NNUNetLogits, _ m: [Int], axis: Int, _ destination: Destination<Label>, threads: Int
  ) {
    let n = logits.shape
    let (p, q) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
    let stride = [n[1] * n[2], n[2], 1]
    let along = NNUNetAxisSamples(count: n[axis], outputCount: m[axis])
    let first = NNUNetAxisSamples(count: n[p], outputCount: m[p])
    let second = NNUNetAxisSamples(count: n[q], outputCount: m[q])
    var planesOf = [[Int]](repeating: [], count: n[axis])
    for k in 0..<m[axis] { planesOf[n[axis] == m[axis] ? k : along.nearest[k]].append(k) }
    let targets = Shared(value: planesOf)
    forEachChunk(of: n[axis], threads: threads, chunksPerThread: 4) { slices in
      let partial = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n[q])
      let best = UnsafeMutablePointer<Double>.allocate(capacity: m[p] * m[q])
      let label = UnsafeMutablePointer<Label>.allocate(capacity: m[p] * m[q])
      defer {
        partial.deallocate()
        best.deallocate()
        label.deallocate()
      }
      for s in slices where !targets.value[s].isEmpty {
        best.initialize(repeating: -.infinity, count: m[p] * m[q])
        label.initialize(repeating: 0, count: m[p] * m[q])
        let slice = s * stride[axis]
        for c in 0..<logits.classes {
          var low = Double.infinity, high = -Double.infinity
          for i in 0..<n[p] {
            for j in 0..<n[q] {
              let v = logits.value(c, slice + i * stride[p] + j * stride[q])
              low = min(low, v)
              high = max(high, v)
            }
          }
          for i in 0..<m[p] {
            let a0 = first.lowerWeight[i], a1 = first.upperWeight[i]
            let row0 = slice + first.lower[i] * stride[p], row1 = slice + first.upper[i] * stride[p]
            for u in 0..<n[q] {
              partial[u] = logits.value(c, row0 + u * stride[q]) * a0
              partial[n[q] + u] = logits.value(c, row1 + u * stride[q]) * a1
            }
            let out = i * m[q]
            for j in 0..<m[q] {
              let lo = second.lower[j], hi = second.upper[j], b0 = second.lowerWeight[j], b1 = second.upperWeight[j]
              var t = 0.0
              t += partial[lo] * b0
              t += partial[hi] * b1
              t += partial[n[q] + lo] * b0
              t += partial[n[q] + hi] * b1
              let v = logits.rounded(min(max(t, low), high))
              if v > best[out + j] {
                best[out + j] = v
                label[out + j] = Label(truncatingIfNeeded: c)
              }
            }
          }
        }
        for k in targets.value[s] { store(label, plane: k, axis: axis, m, destination) }
      }
    }
  }

  /// Each class's smallest and largest logit (skimage clips the resized array to its input's range).
  static func classRanges(_ logits: NNUNetLogits, threads: Int) -> [(Double, Double)] {
    let result = UnsafeMutableBufferPointer<(Double, Double)>.allocate(capacity: logits.classes)
    defer { result.deallocate() }
    let out = Shared(value: result)
    forEachChunk(of: logits.classes, threads: threads, chunksPerThread: 1) { classes in
      for c in classes {
        var low = Double.infinity, high = -Double.infinity
        for i in 0..<logits.voxels {
          let v = logits.value(c, i)
          low = min(low, v)
          high = max(high, v)
        }
        out.value[c] = (low, high)
      }
    }
    return Array(result)
  }

  /// Copies one plane of labels (the two axes other than `axis`, in order, the later contiguous) to its place.
  @inline(__always)
  static func store<Label: FixedWidthInteger & UnsignedInteger>(
    _ label: UnsafeMutablePointer<Label>, plane k: Int, axis: Int, _ m: [Int], _ destination: Destination<Label>
  ) {
    let (p, q) = axis == 0 ? (1, 2) : (axis == 1 ? (0, 2) : (0, 1))
    let s = destination.strides
    let base = destination.base + k * s[axis]
    for i in 0..<m[p] {
      let row = base + i * s[p]
      for j in 0..<m[q] { destination.pointer[row + j * s[q]] = label[i * m[q] + j] }
    }
  }
}
