import HarmonizeVolume

/// Per-label measurements of a label map, in one pass over its voxels: volume (mL), centroid, and, when an image on
/// the same grid is given, the mean intensity under the label and the share of it on background.
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

  /// - Parameters:
  ///   - image: the case's image when it has the label map's grid.
  ///   - backgroundLevel: image values at or below it count as background.
  public init(labels map: Volume, image: Volume?, backgroundLevel: Double?) {
    let size = Array(map.geometry.size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - map.geometry.size.count))
    let voxelML = map.geometry.spacing.prefix(3).reduce(1, *) / 1000
    typealias Sums = (n: Int, i: Double, j: Double, k: Double, sum: Double, background: Int)
    // Label values 1..<4096 (nearly every label map) are counted in an array, others in a dictionary.
    var small = [Sums](repeating: (0, 0, 0, 0, 0, 0), count: 4096)
    var large: [Int: Sums] = [:]
    let components = map.components
    let spatial = size[0] * size[1] * size[2]
    let imageUsable = image.map { $0.geometry.size.prefix(3) == map.geometry.size.prefix(3) } ?? false
    let imageComponents = image?.components ?? 1
    let level = backgroundLevel ?? -Double.infinity
    // Label values read through their stored type (nearly always 8 or 16 bits): one typed pass.
    func pass<T: StoredPixel>(_ type: T.Type) {
      map.withUnsafeBufferPointer(as: T.self) { values in
        var position = 0
        var lastKey = 0
        var lastRaw = T.zero
        for k in 0..<size[2] {
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
              if imageUsable, let image {
                let value = image.value(at: position * imageComponents)
                entry.sum += value
                if value <= level { entry.background += 1 }
              }
              if key > 0 && key < 4096 { small[key] = entry } else { large[key] = entry }
            }
          }
        }
      }
    }
    switch map.pixelType {
    case .u8: pass(UInt8.self)
    case .i8: pass(Int8.self)
    case .u16: pass(UInt16.self)
    case .i16: pass(Int16.self)
    case .u32: pass(UInt32.self)
    case .i32: pass(Int32.self)
    case .u64: pass(UInt64.self)
    case .i64: pass(Int64.self)
    case .f32: pass(Float.self)
    case .f64: pass(Double.self)
    }
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
        meanIntensity: imageUsable ? entry.sum / n : nil,
        backgroundShare: imageUsable && backgroundLevel != nil ? Double(entry.background) / n : nil)
    }
    centroid = all.n == 0 ? nil : [all.i / Double(all.n), all.j / Double(all.n), all.k / Double(all.n)]
  }
}
