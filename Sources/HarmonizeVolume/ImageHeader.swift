/// What an image file says about itself, read without its pixels.
public struct ImageHeader: Hashable, Codable, Sendable {
  /// The reader that understood the file: "NIfTI", "NRRD", "MetaImage", ...
  public var format: String
  /// Grid placement in LPS millimetres.
  public var geometry: Geometry
  /// Type of one pixel component.
  public var pixelType: PixelType
  /// Components per voxel: 1 for scalar images, more for vector, RGB or tensor images.
  public var components: Int

  public init(format: String, geometry: Geometry, pixelType: PixelType, components: Int) {
    self.format = format
    self.geometry = geometry
    self.pixelType = pixelType
    self.components = components
  }

  /// Bytes the pixels take in memory (voxels × components × component bytes), or nil when that overflows `Int`.
  public var pixelByteCount: Int? {
    guard let voxels = geometry.voxelCount else { return nil }
    let (perVoxel, o1) = components.multipliedReportingOverflow(by: pixelType.byteCount)
    let (total, o2) = voxels.multipliedReportingOverflow(by: perVoxel)
    return o1 || o2 ? nil : total
  }

  /// Planes along the slowest spatial axis (z; 1 for a 2D image): the unit slab streaming reads and writes in.
  public var planeCount: Int { geometry.size.count > 2 ? geometry.size[2] : 1 }

  /// Bytes of one z-plane: x · y · components · component bytes.
  public var planeByteCount: Int {
    geometry.size[0] * (geometry.size.count > 1 ? geometry.size[1] : 1) * components * pixelType.byteCount
  }

  /// nibabel-style RAS+ axis codes of the spatial axes, e.g. "LPS" for an identity direction.
  public var axisCodes: String { Orientation.axisCodes(geometry) }
}
