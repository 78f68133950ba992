import HarmonizeResample
import HarmonizeVolume

/// What `harmonize batch` was asked to do.
public struct BatchOptions: Sendable {
  /// Target spacing in mm (one value: isotropic), ITK order.
  public var spacing: [Double]
  public var grid: GridPreset
  public var maxSize: [Int]?
  public var maxVoxels: Int?
  /// Interpolation of images.
  public var interpolation: Interpolation
  /// Interpolation of segmentations: `nearest` (default) or `label`.
  public var labelInterpolation: Interpolation
  /// Output ending (".nii.gz", ".nii", ".nrrd", ".mha"); nil keeps each input's.
  public var format: String?
  /// Reorient every file losslessly to these RAS+ letters first.
  public var orientation: String?
  /// Glob patterns (matched against the path relative to the input folder and the file name) naming label files.
  public var labelGlobs: [String]
  /// Cases run at once.
  public var jobs: Int
  /// The sum of the estimated peak memory of running cases stays under this, bytes.
  public var memoryLimit: Int
  /// This run's share of the dataset.
  public var shard: Shard
  /// Redo cases the manifest lists as done.
  public var force: Bool
  /// Value outside the input's field of view, for images (labels always get 0).
  public var defaultValue: Double
  /// Deflate level of `.nii.gz` outputs (libdeflate, 1-12); nil: by pixel type.
  public var compressionLevel: Int?
  /// Deflate level of compressed NRRD and MetaImage outputs (ITK's zlib, 1-9); nil: ITK's default.
  public var otherCompressionLevel: Int?
  /// Crop every case to the union of its images' non-zero boxes before resampling, as nnU-Net's `crop_to_nonzero`
  /// (with the `nnunet` interpolations, whose grid follows the cropped header).
  public var cropNonzero = false

  public init(
    spacing: [Double], grid: GridPreset = .center, maxSize: [Int]? = nil, maxVoxels: Int? = nil,
    interpolation: Interpolation = .linear, labelInterpolation: Interpolation = .nearest, format: String? = nil,
    orientation: String? = nil, labelGlobs: [String] = [], jobs: Int = 2, memoryLimit: Int,
    shard: Shard = Shard(index: 0, count: 1), force: Bool = false, defaultValue: Double = 0,
    compressionLevel: Int? = nil
  ) {
    self.spacing = spacing
    self.grid = grid
    self.maxSize = maxSize
    self.maxVoxels = maxVoxels
    self.interpolation = interpolation
    self.labelInterpolation = labelInterpolation
    self.format = format
    self.orientation = orientation
    self.labelGlobs = labelGlobs
    self.jobs = jobs
    self.memoryLimit = memoryLimit
    self.shard = shard
    self.force = force
    self.defaultValue = defaultValue
    self.compressionLevel = compressionLevel
  }

  /// The output formats `--format` accepts.
  public static let formats = ImageFormat.batchOutputs.map(\.ending)

  /// A stable text of everything that changes an output, stored in the manifest: a re-run with other
  /// parameters redoes the case.
  public func parameters(for kind: FileKind) -> String {
    var parts = [
      "spacing=\(spacing.map { "\($0)" }.joined(separator: ","))", "grid=\(grid.rawValue)",
      "interpolation=\(kind.isLabel ? labelInterpolation.rawValue : interpolation.rawValue)",
    ]
    if let maxSize { parts.append("max-size=\(maxSize.map(String.init).joined(separator: ","))") }
    if let maxVoxels { parts.append("max-voxels=\(maxVoxels)") }
    if let orientation { parts.append("orient=\(orientation)") }
    if !kind.isLabel && defaultValue != 0 { parts.append("default=\(defaultValue)") }
    if ImageFile.niftiTransform != .itk { parts.append("nifti-transform=\(ImageFile.niftiTransform.rawValue)") }
    if cropNonzero { parts.append("crop=nonzero") }
    return parts.joined(separator: " ")
  }
}

/// A `--shard I/N` share: cases are spread over N shards balanced by bytes, deterministically.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  public var index: Int
  public var count: Int
  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }
  public var description: String { "\(index)/\(count)" }
  public var isWhole: Bool { count == 1 }
}
