import HarmonizeVolume

/// The output grid of a resample, and how its voxels map into the input: the answer to "what grid and how many
/// bytes", computed from a header alone (batch and check reuse it).
public struct GridPlan: Sendable, Equatable {
  /// How output voxel indices map to continuous input indices.
  public enum Sampling: Sendable, Equatable {
    /// Through physical space: output index → LPS point (output geometry) → input continuous index (input geometry).
    case physical
    /// nnU-Net's array space, per spatial axis: `c = scale · k + offset`, independent of the written geometry.
    case arraySpace(scale: [Double], offset: [Double])
  }

  /// The output's geometry (all axes; a fourth axis is copied from the input).
  public var geometry: Geometry
  /// How output voxels are placed in the input.
  public var sampling: Sampling
  /// The spatial spacing that was asked for, mm (nil for `--like`).
  public var requestedSpacing: [Double]?
  /// Whether a size or voxel cap coarsened the spacing.
  public var capped: Bool
  /// Things the user should know: an empty last plane with the sitk grid, a cap that changed the spacing.
  public var warnings: [String]
  /// Output pixel type and components.
  public var pixelType: PixelType
  public var components: Int

  /// The output's header: this grid, pixel type and components.
  public var header: ImageHeader {
    ImageHeader(format: "", geometry: geometry, pixelType: pixelType, components: components)
  }

  /// Bytes the output pixels take (nil if that overflows).
  public var outputBytes: Int? { header.pixelByteCount }
}
