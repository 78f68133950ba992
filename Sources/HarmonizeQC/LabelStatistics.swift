import Foundation
import HarmonizeVolume

/// Per-label measurements of a label map, in one pass over its voxels: volume (mL) and centroid; the intensities
/// under each label come from the image's pass (`ImagePass`) and are set by `measureIntensities`.
public struct LabelStatistics: Sendable {
  public struct Label: Sendable, Equatable {
    public var voxels: Int = 0
    /// Millilitres: voxels x the voxel's volume in mm³ / 1000.
    public var millilitres: Double = 0
    /// Mean voxel index along the three voxel axes.
    public var centroid: [Double] = [0, 0, 0]
    /// Mean image intensity under the label (nil without an image on the same grid).
    public var meanIntensity: Double?
    /// Share of the label's voxels whose image value is background (air, outside the body).
    public var backgroundShare: Double?
  }

  /// Non-zero label values and their measurements.
  public var labels: [Int: Label]

  public init(labels map: Volume) {
    let size = map.geometry.size3
    let voxelML = map.geometry.spacing.prefix(3).reduce(1, *) / 1000
    typealias Sums = (n: Int, i: Double, j: Double, k: Double)
    let components = map.components
    // Read through the stored type (nearly always 8 or 16 bits); the two halves of the z range on two threads.
    final class Halves: @unchecked Sendable {
      var tables = [LabelTable<Sums>](repeating: LabelTable(empty: (0, 0, 0, 0)), count: 2)
      let lock = NSLock()
    }
    let halves = Halves()
    @Sendable func pass<T: StoredPixel>(_ type: T.Type, half: Int) {
      var table = LabelTable<Sums>(empty: (0, 0, 0, 0))
      let ks = half == 0 ? 0..<(size[2] / 2) : (size[2] / 2)..<size[2]
      map.withUnsafeBufferPointer(as: T.self) { values in
        var position = ks.lowerBound * size[0] * size[1]
        var lastKey = 0
        var lastStored = T.zero
        for k in ks {
          for j in 0..<size[1] {
            for i in 0..<size[0] {
              defer { position += 1 }
              let stored = values[position * components]
              guard stored != T.zero else { continue }
              if stored != lastStored || lastKey == 0 {
                guard let key = LabelTable<Sums>.key(stored.doubleValue) else { continue }
                lastStored = stored
                lastKey = key
              }
              table.update(lastKey) { sums in
                sums.n += 1
                sums.i += Double(i)
                sums.j += Double(j)
                sums.k += Double(k)
              }
            }
          }
        }
      }
      halves.lock.withLock { halves.tables[half] = table }
    }
    DispatchQueue.concurrentPerform(iterations: 2) { half in
      switch map.pixelType {
      case .u8: pass(UInt8.self, half: half)
      case .i8: pass(Int8.self, half: half)
      case .u16: pass(UInt16.self, half: half)
      case .i16: pass(Int16.self, half: half)
      case .u32: pass(UInt32.self, half: half)
      case .i32: pass(Int32.self, half: half)
      case .u64: pass(UInt64.self, half: half)
      case .i64: pass(Int64.self, half: half)
      case .f32: pass(Float.self, half: half)
      case .f64: pass(Double.self, half: half)
      }
    }
    let counts = halves.tables[0].merged(with: halves.tables[1]) {
      ($0.n + $1.n, $0.i + $1.i, $0.j + $1.j, $0.k + $1.k)
    }
    .entries { $0.n > 0 }
    labels = counts.mapValues { entry in
      let n = Double(entry.n)
      return Label(
        voxels: entry.n, millilitres: n * voxelML, centroid: [entry.i / n, entry.j / n, entry.k / n],
        meanIntensity: nil, backgroundShare: nil)
    }
  }

  /// Sets each label's mean intensity and, when the image has background (`backgroundLevel` not nil), the share of
  /// the sampled values under it at or below that level.
  mutating func measureIntensities(means: [Int: Double], samples: [Int: [Double]], backgroundLevel: Double?) {
    for value in labels.keys {
      labels[value]?.meanIntensity = means[value]
      if let backgroundLevel, let sample = samples[value], !sample.isEmpty {
        labels[value]?.backgroundShare = Double(sample.filter { $0 <= backgroundLevel }.count) / Double(sample.count)
      }
    }
  }
}
