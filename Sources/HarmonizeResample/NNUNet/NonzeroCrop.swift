import HarmonizeVolume

/// nnU-Net's `crop_to_nonzero`: the smallest box of voxels holding every non-zero value of a case's channels (its
/// hole filling never widens the box), cut out before resampling. Index boxes are over the spatial axes, ITK order;
/// the cropped volume keeps its voxels where they were in LPS space (its origin moves to the box's first voxel).
public enum NonzeroCrop {
  /// An inclusive index box.
  public struct Box: Sendable, Equatable {
    public var lower: [Int]
    public var upper: [Int]
    public var size: [Int] { zip(lower, upper).map { $1 - $0 + 1 } }

    public init(lower: [Int], upper: [Int]) {
      self.lower = lower
      self.upper = upper
    }

    /// The smallest box holding both.
    public func union(_ other: Box) -> Box {
      Box(lower: zip(lower, other.lower).map { min($0, $1) }, upper: zip(upper, other.upper).map { max($0, $1) })
    }
  }

  /// The box of `volume`'s non-zero voxels (any component, any time point; NaN counts as non-zero, as in numpy);
  /// nil when every voxel is zero.
  public static func box(of volume: Volume) -> Box? {
    let g = volume.geometry
    let spatial = min(g.dimension, 3)
    let nx = g.size[0], ny = g.dimension > 1 ? g.size[1] : 1, nz = spatial > 2 ? g.size[2] : 1
    let perVoxel = volume.components
    let planes = nx * ny * nz
    var lower = [Int.max, Int.max, Int.max], upper = [-1, -1, -1]
    for index in 0..<volume.valueCount where volume.value(at: index) != 0 {
      let voxel = (index / perVoxel) % planes
      let i = voxel % nx, j = (voxel / nx) % ny, k = voxel / (nx * ny)
      lower = [min(lower[0], i), min(lower[1], j), min(lower[2], k)]
      upper = [max(upper[0], i), max(upper[1], j), max(upper[2], k)]
    }
    guard upper[0] >= 0 else { return nil }
    return Box(lower: Array(lower.prefix(spatial)), upper: Array(upper.prefix(spatial)))
  }

  /// `volume` cut to `box` (spatial axes; further axes and components kept whole).
  /// - Throws: `ResampleError` when the box does not lie inside the volume or memory cannot be had.
  public static func crop(_ volume: Volume, to box: Box) throws(ResampleError) -> Volume {
    let g = volume.geometry
    let spatial = box.lower.count
    guard spatial == min(g.dimension, 3),
      (0..<spatial).allSatisfy({ box.lower[$0] >= 0 && box.lower[$0] <= box.upper[$0] && box.upper[$0] < g.size[$0] })
    else {
      throw ResampleError(
        .invalidRequest("crop box \(formatList(box.lower))-\(formatList(box.upper)) is not inside the image"))
    }
    var geometry = g
    for axis in 0..<spatial { geometry.size[axis] = box.size[axis] }
    geometry.origin = g.point(atIndex: (0..<g.dimension).map { $0 < spatial ? Double(box.lower[$0]) : 0 })
    var out: Volume
    do { out = try Volume(geometry: geometry, pixelType: volume.pixelType, components: volume.components) } catch {
      throw ResampleError(.tooLarge("cropped image \(formatList(geometry.size)): \(error)"))
    }
    let c = volume.components
    let (nx, ny) = (g.size[0], g.dimension > 1 ? g.size[1] : 1)
    let nz = spatial > 2 ? g.size[2] : 1
    let (mx, my) = (geometry.size[0], geometry.dimension > 1 ? geometry.size[1] : 1)
    let mz = spatial > 2 ? geometry.size[2] : 1
    let rest = volume.valueCount / (nx * ny * nz * c)
    let (x0, y0, z0) = (box.lower[0], spatial > 1 ? box.lower[1] : 0, spatial > 2 ? box.lower[2] : 0)
    let width = volume.pixelType.byteCount * c
    volume.withUnsafeBytes { source in
      out.withUnsafeMutableBytes { target in
        for t in 0..<rest {
          for k in 0..<mz {
            for j in 0..<my {
              let from = (((t * nz + k + z0) * ny + j + y0) * nx + x0) * width
              let to = (((t * mz + k) * my + j) * mx) * width
              target.baseAddress!.advanced(by: to).copyMemory(
                from: source.baseAddress!.advanced(by: from), byteCount: mx * width)
            }
          }
        }
      }
    }
    return out
  }
}
