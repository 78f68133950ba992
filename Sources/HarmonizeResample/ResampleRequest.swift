import HarmonizeVolume

/// What the user asked for: a target grid and how to fill it.
public struct ResampleRequest: Sendable, Equatable {
  /// Where the output grid comes from.
  public enum Target: Sendable, Equatable {
    /// A spacing in mm for every spatial axis (one value repeated for isotropic targets), placed by `grid`.
    case spacing([Double])
    /// Exactly the spatial grid of a reference image (size, spacing, origin, direction).
    case like(Geometry)
  }

  public var target: Target
  public var grid: GridPreset
  public var interpolation: Interpolation
  /// Largest size per spatial axis (one value for all axes, or one per axis); nil for none.
  public var maxSize: [Int]?
  /// Largest number of spatial voxels; nil for none.
  public var maxVoxels: Int?
  /// Value of samples outside the input's field of view, before the cast to the output type.
  public var defaultValue: Double
  /// Output pixel type; nil keeps the input's.
  public var outputType: PixelType?
  /// Reproduce SimpleITK bit for bit: its grid recipe, coordinate path, inside test, and truncating cast.
  public var sitkCompatible: Bool
  /// Worker threads; nil uses every core.
  public var threads: Int?
  /// For the `nnunet` interpolations: the ITK axes in nnU-Net's numpy order, slowest first (SimpleITK's arrays:
  /// `[2, 1, 0]`; after a plan's `transpose_forward` t: `t.map { 2 - $0 }`). It orders the taps of label scores.
  public var nnunetAxes: [Int] = [2, 1, 0]

  public init(
    target: Target, grid: GridPreset = .center, interpolation: Interpolation = .linear, maxSize: [Int]? = nil,
    maxVoxels: Int? = nil, defaultValue: Double = 0, outputType: PixelType? = nil, sitkCompatible: Bool = false,
    threads: Int? = nil
  ) {
    self.target = target
    self.grid = sitkCompatible ? .sitk : grid
    self.interpolation = interpolation
    self.maxSize = maxSize
    self.maxVoxels = maxVoxels
    self.defaultValue = defaultValue
    self.outputType = outputType
    self.sitkCompatible = sitkCompatible
    self.threads = threads
  }

  /// Most worker threads a request may ask for: each costs a stack and a share of the work; more than a few per core
  /// only adds overhead (100,000 threads took 816 MiB and 5.6 s for a 30-plane image).
  public static let maxThreads = 256

  /// The integer cast this request implies.
  public var integerCast: IntegerCast { sitkCompatible ? .truncateAndClamp : .roundAndClamp }

  /// The problems that make this request unusable, each as a rule and the offending value; empty when valid.
  public var problems: [String] {
    var found: [String] = []
    if case .spacing(let spacing) = target {
      if spacing.isEmpty || spacing.count > 3 { found.append("spacing takes 1 to 3 values, not \(spacing.count)") }
      if spacing.contains(where: { !($0.isFinite && $0 > 0) }) {
        found.append("spacing must be finite and > 0, not \(formatList(spacing))")
      } else if spacing.contains(where: { !Geometry.spacingRange.contains($0) }) {
        found.append("spacing must be between 1e-06 and 1e+06 mm, not \(formatList(spacing))")
      }
    }
    if let maxSize, maxSize.isEmpty || maxSize.count > 3 || maxSize.contains(where: { $0 < 1 }) {
      found.append("max size must be 1 to 3 whole numbers ≥ 1, not \(formatList(maxSize))")
    }
    if let maxVoxels, maxVoxels < 1 { found.append("max voxels must be ≥ 1, not \(maxVoxels)") }
    if !defaultValue.isFinite { found.append("default value must be finite, not \(formatNumber(defaultValue))") }
    if let threads, !(1...ResampleRequest.maxThreads).contains(threads) {
      found.append("threads must be 1 to \(ResampleRequest.maxThreads), not \(threads)")
    }
    if sitkCompatible && interpolation.simpleITKCounterpart == nil {
      found.append(
        "--sitk-compatible reproduces SimpleITK's linear, nearest and bspline; \(interpolation.rawValue) has no SimpleITK twin"
      )
    }
    if interpolation.isNNUNet {
      if case .like = target {
        found.append("\(interpolation.rawValue) places nnU-Net's own grid from a spacing: give --spacing, not --like")
      }
      if grid == .sitk { found.append("\(interpolation.rawValue) samples nnU-Net's grid; --grid sitk does not apply") }
    }
    return found
  }
}
