import HarmonizeResample
import HarmonizeVolume

/// What one pass over an image's voxels tells the checker and the fingerprint: non-finite values, an even
/// sample of the finite values (all voxels, and those under a label > 0), and the bounding box of the
/// non-zero region (nnU-Net's crop).
public struct VoxelSummary: Sendable {
  public var nanCount = 0
  public var infinityCount = 0
  /// Finite values, every `stride`-th voxel.
  public var sample: [Double] = []
  /// For each value of `sample`, its voxel's octant: bit 0 set in the upper half of x, bit 1 of y, bit 2 of z.
  public var octants: [UInt8] = []
  /// For each value of `sample`: the absolute difference to its neighbour along x (NaN at a row's end or next to a
  /// non-finite value).
  public var differences: [Double] = []
  /// Finite values at both ends of rows (i = 0 and the last i), from at most about 50000 rows: the image's border,
  /// background in most scans.
  public var border: [Double] = []
  /// Finite values under a foreground mask, evenly strided.
  public var foreground: [Double] = []
  /// Per spatial axis (ITK order) the first and last index holding a non-zero value; nil when all are zero.
  public var nonzeroLower: [Int]?
  public var nonzeroUpper: [Int]?

}

/// The union of several channels' non-zero boxes, gathered from voxel scans: nnU-Net crops a case to the non-zero
/// region of any channel. The box is the one `resample --crop-nonzero` cuts (`NonzeroCrop.Box`).
public struct NonzeroBox: Sendable {
  var box: NonzeroCrop.Box?

  public init() {}

  /// Widens the box to hold a channel's non-zero region (an all-zero channel changes nothing).
  public mutating func include(_ summary: VoxelSummary) {
    guard let l = summary.nonzeroLower, let u = summary.nonzeroUpper else { return }
    let own = NonzeroCrop.Box(lower: l, upper: u)
    box = box.map { $0.union(own) } ?? own
  }

  /// Size per spatial axis (ITK order); nil when every channel was all zero.
  public var size: [Int]? { box?.size }
}

/// The distinct values of a segmentation and whether any is not an integer.
public struct LabelSummary: Sendable, Equatable {
  /// Distinct integer values, ascending.
  public var values: [Int]
  /// Voxels whose value is not a whole number (0.9999 from a linear resample, NaN).
  public var nonIntegerCount: Int
  /// Up to five of the non-integer values, for the message.
  public var nonIntegerExamples: [Double]
  /// One byte per voxel: 1 where the label is > 0.
  public var foregroundMask: [UInt8]
}

/// Single passes over a volume's values.
public enum VoxelScan {
  /// Scans every value of `volume`. Spatial axes are the first (up to) three; components and a fourth axis are
  /// pooled. `mask` (one byte per spatial voxel, 1 = foreground) selects the foreground sample.
  public static func scan(
    _ volume: Volume, sampleLimit: Int, mask: [UInt8]? = nil, foregroundLimit: Int = 0
  ) -> VoxelSummary {
    switch volume.pixelType {
    case .u8: return scan(volume, UInt8.self, sampleLimit, mask, foregroundLimit)
    case .i8: return scan(volume, Int8.self, sampleLimit, mask, foregroundLimit)
    case .u16: return scan(volume, UInt16.self, sampleLimit, mask, foregroundLimit)
    case .i16: return scan(volume, Int16.self, sampleLimit, mask, foregroundLimit)
    case .u32: return scan(volume, UInt32.self, sampleLimit, mask, foregroundLimit)
    case .i32: return scan(volume, Int32.self, sampleLimit, mask, foregroundLimit)
    case .u64: return scan(volume, UInt64.self, sampleLimit, mask, foregroundLimit)
    case .i64: return scan(volume, Int64.self, sampleLimit, mask, foregroundLimit)
    case .f32: return scan(volume, Float.self, sampleLimit, mask, foregroundLimit)
    case .f64: return scan(volume, Double.self, sampleLimit, mask, foregroundLimit)
    }
  }

  /// Row by row (a row = one x line of one spatial plane and time point, components interleaved): the non-zero
  /// box from each row's first and last non-zero value, no per-voxel index arithmetic.
  private static func scan<T: StoredPixel>(
    _ volume: Volume, _: T.Type, _ sampleLimit: Int, _ mask: [UInt8]?,
    _ foregroundLimit: Int
  ) -> VoxelSummary {
    let spatial = Array(volume.geometry.size.prefix(3))
    let nx = spatial[0], ny = spatial.count > 1 ? spatial[1] : 1, nz = spatial.count > 2 ? spatial[2] : 1
    let components = volume.components
    let rowValues = nx * components
    let planeRows = ny * nz
    var summary = VoxelSummary()
    let stride = max(1, volume.valueCount / max(1, sampleLimit))
    let usableMask = mask.flatMap { $0.count == nx * ny * nz ? $0 : nil }
    var foregroundStride = 1
    if let usableMask, foregroundLimit > 0 {
      let count = usableMask.reduce(0) { $0 + Int($1) } * (volume.valueCount / max(1, nx * ny * nz))
      foregroundStride = max(1, count / foregroundLimit)
    }
    var foregroundSeen = 0
    var (lx, ly, lz, ux, uy, uz) = (Int.max, Int.max, Int.max, -1, -1, -1)
    let checkFinite = !volume.pixelType.isInteger
    volume.withUnsafeBufferPointer(as: T.self) { buffer in
      let rows = buffer.count / max(1, rowValues)
      let borderStride = max(1, rows / 50_000)
      var nextSample = 0
      for r in 0..<rows {
        let base = r * rowValues
        let spatialRow = r % planeRows
        let j = spatialRow % ny, k = spatialRow / ny
        var first = -1, last = -1
        for n in 0..<rowValues {
          let v = buffer[base + n].doubleValue
          if checkFinite && !v.isFinite {
            if v.isNaN { summary.nanCount += 1 } else { summary.infinityCount += 1 }
            continue
          }
          if v != 0 {
            if first < 0 { first = n }
            last = n
          }
        }
        if r % borderStride == 0 && rowValues > 0 {
          for v in [buffer[base].doubleValue, buffer[base + rowValues - components].doubleValue] where v.isFinite {
            summary.border.append(v)
          }
        }
        let rowOctant: UInt8 = (j >= ny / 2 && ny > 1 ? 2 : 0) | (k >= nz / 2 && nz > 1 ? 4 : 0)
        while nextSample < base + rowValues {
          let v = buffer[nextSample].doubleValue
          if v.isFinite {
            summary.sample.append(v)
            let within = nextSample - base
            summary.octants.append(rowOctant | (within / components >= nx / 2 && nx > 1 ? 1 : 0))
            let neighbour = within + components < rowValues ? buffer[nextSample + components].doubleValue : .nan
            summary.differences.append(abs(neighbour - v))
          }
          nextSample += stride
        }
        if first >= 0 {
          lx = min(lx, first / components)
          ux = max(ux, last / components)
          ly = min(ly, j)
          uy = max(uy, j)
          lz = min(lz, k)
          uz = max(uz, k)
        }
        if let usableMask, foregroundLimit > 0 {
          let maskRow = spatialRow * nx
          for i in 0..<nx where usableMask[maskRow + i] != 0 {
            for c in 0..<components {
              let v = buffer[base + i * components + c].doubleValue
              guard v.isFinite else { continue }
              if foregroundSeen % foregroundStride == 0 { summary.foreground.append(v) }
              foregroundSeen += 1
            }
          }
        }
      }
    }
    if ux >= 0 {
      summary.nonzeroLower = Array([lx, ly, lz].prefix(spatial.count))
      summary.nonzeroUpper = Array([ux, uy, uz].prefix(spatial.count))
    }
    return summary
  }

  /// The distinct values of a segmentation, and a foreground mask (label > 0) over its spatial voxels.
  public static func labels(_ volume: Volume) -> LabelSummary {
    var values = Set<Int>()
    var nonInteger = 0
    var examples: [Double] = []
    let spatialCount = Array(volume.geometry.size.prefix(3)).reduce(1, *)
    var mask = [UInt8](repeating: 0, count: spatialCount)
    let components = volume.components
    var last = Double.nan
    forEachValue(volume) { n, v in
      if v > 0 { mask[(n / components) % spatialCount] = 1 }
      if v == last { return }
      last = v
      if v.isFinite && v == v.rounded() && abs(v) < 9e15 {
        values.insert(Int(v))
      } else {
        nonInteger += 1
        if examples.count < 5 { examples.append(v) }
      }
    }
    if nonInteger > 0 {  // the run-length shortcut above counted runs; count voxels exactly
      nonInteger = 0
      forEachValue(volume) { _, v in if !(v.isFinite && v == v.rounded()) { nonInteger += 1 } }
    }
    return LabelSummary(
      values: values.sorted(), nonIntegerCount: nonInteger, nonIntegerExamples: examples,
      foregroundMask: mask)
  }

  /// Whether an image holds at most `limit` distinct values, all integers: stops at the first value over the limit,
  /// so a CT with thousands of values costs a few rows, not a pass over the volume.
  public static func hasFewIntegerValues(_ volume: Volume, limit: Int) -> (few: Bool, count: Int) {
    var seen = Set<Double>()
    var last = Double.nan
    var over = false
    forEachValueWhile(volume) { v in
      if v == last { return true }
      last = v
      guard v.isFinite, v == v.rounded() else {
        over = true
        return false
      }
      seen.insert(v)
      if seen.count > limit {
        over = true
        return false
      }
      return true
    }
    return (!over, seen.count)
  }

  /// Like `forEachValue`, stopping when `body` returns false.
  static func forEachValueWhile(_ volume: Volume, _ body: (Double) -> Bool) {
    func each<T: StoredPixel>(_ t: T.Type) {
      volume.withUnsafeBufferPointer(as: T.self) { b in
        for n in 0..<b.count where !body(b[n].doubleValue) { return }
      }
    }
    switch volume.pixelType {
    case .u8: each(UInt8.self)
    case .i8: each(Int8.self)
    case .u16: each(UInt16.self)
    case .i16: each(Int16.self)
    case .u32: each(UInt32.self)
    case .i32: each(Int32.self)
    case .u64: each(UInt64.self)
    case .i64: each(Int64.self)
    case .f32: each(Float.self)
    case .f64: each(Double.self)
    }
  }

  /// Calls `body(position, value)` for every stored value in buffer order, converting to Double.
  static func forEachValue(_ volume: Volume, _ body: (Int, Double) -> Void) {
    switch volume.pixelType {
    case .u8: each(volume, UInt8.self, body)
    case .i8: each(volume, Int8.self, body)
    case .u16: each(volume, UInt16.self, body)
    case .i16: each(volume, Int16.self, body)
    case .u32: each(volume, UInt32.self, body)
    case .i32: each(volume, Int32.self, body)
    case .u64: each(volume, UInt64.self, body)
    case .i64: each(volume, Int64.self, body)
    case .f32: each(volume, Float.self, body)
    case .f64: each(volume, Double.self, body)
    }
  }

  @inline(__always)
  private static func each<T: StoredPixel>(_ volume: Volume, _ type: T.Type, _ body: (Int, Double) -> Void) {
    volume.withUnsafeBufferPointer(as: T.self) { buffer in
      for n in 0..<buffer.count { body(n, buffer[n].doubleValue) }
    }
  }
}
