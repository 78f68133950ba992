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
  /// Mean voxel index of all non-zero voxels; nil for an empty label map.
  public var centroid: [Double]?

  public init(labels map: Volume) {
    let size = Array(map.geometry.size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - map.geometry.size.count))
    let voxelML = map.geometry.spacing.prefix(3).reduce(1, *) / 1000
    typealias Sums = (n: Int, i: Double, j: Double, k: Double, sum: Double, background: Int)
    let components = map.components
    let spatial = size[0] * size[1] * size[2]
    // Label values 1..<4096 (nearly every label map) are counted in an array, others in a dictionary; read through
    // their stored type (nearly always 8 or 16 bits); the two halves of the z range on two threads.
    final class Halves: @unchecked Sendable {
      var small: [[Sums]] = []
      var large: [[Int: Sums]] = []
      let lock = NSLock()
    }
    let halves = Halves()
    halves.small = Array(repeating: Array(repeating: (0, 0, 0, 0, 0, 0), count: 4096), count: 2)
    halves.large = Array(repeating: [:], count: 2)
    @Sendable func pass<T: StoredPixel>(_ type: T.Type, half: Int) {
      var small = [Sums](repeating: (0, 0, 0, 0, 0, 0), count: 4096)
      var large: [Int: Sums] = [:]
      let ks = half == 0 ? 0..<(size[2] / 2) : (size[2] / 2)..<size[2]
      map.withUnsafeBufferPointer(as: T.self) { values in
        var position = ks.lowerBound * size[0] * size[1]
        var lastKey = 0
        var lastRaw = T.zero
        for k in ks {
          for j in 0..<size[1] {
            for i in 0..<size[0] {
              defer { position += 1 }
              guard position < spatial else { continue }
              let stored = values[position * components]
              guard stored != T.zero else { continue }
              let key: Int
              if stored == lastRaw && lastKey != 0 {
                key = lastKey
              } else {
                let raw = stored.doubleValue
                guard raw.isFinite, abs(raw) < 1e9 else { continue }
                key = Int(raw)
                guard key != 0 else { continue }
                lastRaw = stored
                lastKey = key
              }
              var entry = key > 0 && key < 4096 ? small[key] : large[key] ?? (0, 0, 0, 0, 0, 0)
              entry.n += 1
              entry.i += Double(i)
              entry.j += Double(j)
              entry.k += Double(k)
              if key > 0 && key < 4096 { small[key] = entry } else { large[key] = entry }
            }
          }
        }
      }
      halves.lock.withLock {
        halves.small[half] = small
        halves.large[half] = large
      }
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
    func merge(_ a: Sums, _ b: Sums) -> Sums { (a.n + b.n, a.i + b.i, a.j + b.j, a.k + b.k, 0, 0) }
    var large = halves.large[0].merging(halves.large[1], uniquingKeysWith: merge)
    var small = halves.small[0]
    for key in small.indices { small[key] = merge(small[key], halves.small[1][key]) }
    var counts = large
    for key in small.indices where small[key].n > 0 { counts[key] = small[key] }
    var all = (n: 0, i: 0.0, j: 0.0, k: 0.0)
    labels = counts.mapValues { entry in
      all.n += entry.n
      all.i += entry.i
      all.j += entry.j
      all.k += entry.k
      let n = Double(entry.n)
      return Label(
        voxels: entry.n, millilitres: n * voxelML, centroid: [entry.i / n, entry.j / n, entry.k / n],
        meanIntensity: nil, backgroundShare: nil)
    }
    centroid = all.n == 0 ? nil : [all.i / Double(all.n), all.j / Double(all.n), all.k / Double(all.n)]
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
