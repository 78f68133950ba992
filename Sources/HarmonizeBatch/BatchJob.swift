import HarmonizeResample
import HarmonizeVolume

/// One file to convert: where it comes from and goes, how, and what it should cost.
public struct BatchJob: Sendable, Codable {
  /// Paths relative to the input and output folders.
  public var input: String
  public var output: String
  public var kind: FileKind
  /// Size and modification time of the input file (seconds since 1970), for the manifest's change test.
  public var inputBytes: Int
  public var inputModified: Double
  /// The input's spatial size and spacing (ITK order, mm), and the planned output grid; nil when the header
  /// could not be read (the job then fails with `planError`).
  public var inputSize: [Int]?
  public var inputSpacing: [Double]?
  public var outputGeometry: Geometry?
  /// Estimated peak memory of converting this file, bytes (input pixels or a window of its planes when it streams,
  /// output pixels or one slab when it streams; slack; process share).
  public var estimatedMemory: Int
  /// The output is written slab by slab (a large `.nii.gz`), so only a slab of it is ever in memory.
  public var streams = false
  /// The input is read a window of z-planes at a time (a large single-file NIfTI on an axis-aligned grid).
  public var streamsInput = false
  /// Slab size when the case streams only because it would not fit the budget whole (`streaming: .always`); nil
  /// under the automatic thresholds.
  public var streamingSlabBytes: Int?
  /// Why the file cannot be planned (unreadable header, refused grid), if so.
  public var planError: String?
  /// For a segmentation on its case's grid: the case's channel-0 image (relative path), whose field of view the
  /// label's foreground must lie in.
  public var pairedImage: String?
  /// What deserves a look but does not stop the file (a NIfTI qform and sform that disagree).
  public var warning: String?
  /// With `BatchOptions.cropNonzero`: the case's image files (relative paths) whose union non-zero box the file is
  /// cropped to before resampling; its planned output grid is then the uncropped one, an upper bound.
  public var cropFiles: [String]?
  /// Where the grid comes from: "spacing", or "grid of imagesTr/case_0000.nii.gz" for a case's other files.
  public var gridSource: GridSource
}

/// Where a job's output grid comes from.
public enum GridSource: Codable, Sendable, Equatable, CustomStringConvertible {
  /// The target spacing (the case's first image, or a file of its own).
  case spacing
  /// The grid of the case's image at this relative path (its other channels and its label).
  case gridOf(String)

  public var description: String {
    switch self {
    case .spacing: "spacing"
    case .gridOf(let path): "grid of \(path)"
    }
  }
}

/// Files that must land in the same shard: a case's channel files and its label file share one grid.
public struct BatchUnit: Sendable {
  /// Folder (with imagesXx/labelsXx folded together) and case identifier.
  public var key: String
  public var jobs: [BatchJob]
  /// Input bytes on disk: the shard balance weight.
  public var bytes: Int { jobs.reduce(0) { $0 + $1.inputBytes } }
}
