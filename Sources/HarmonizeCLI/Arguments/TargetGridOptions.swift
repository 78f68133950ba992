import ArgumentParser
import Harmonize

/// The options that say where a resample's output grid lies and how it is written, shared by `resample` and `batch`
/// (one declaration, one help text).
struct TargetGridOptions: ParsableArguments {
  // Values that start with "-" (negative spacing, to be refused with a clear message, or a default of -1024) are
  // values, not options.
  @Option(parsing: .unconditional, help: "Target spacing in mm: S (isotropic), SX,SY,SZ, or c3d's SXxSYxSZmm.")
  var spacing: SpacingArgument?
  @Option(help: "Grid placement for --spacing: center (default), sitk or nnunet.") var grid: GridPreset?
  @Option(help: "Largest output size per axis: N, or NX,NY,NZ; coarsens the spacing to fit.") var maxSize:
    SizeCapArgument?
  @Option(help: "Largest number of output voxels; coarsens the spacing to fit.") var maxVoxels: Int?
  @Option(parsing: .unconditional, help: "Value for samples outside an image's field of view (e.g. -1024 for CT).")
  var defaultValue: Double = 0
  @Option(
    help:
      "Compression: fast, default, best, or a level (.nii.gz 1-12, by pixel type by default; .nrrd/.mha zlib 1-9, uncompressed unless given)."
  )
  var compression: CompressionArgument?

  /// The grid placement, `center` when not given.
  var preset: GridPreset { grid ?? .center }
}
