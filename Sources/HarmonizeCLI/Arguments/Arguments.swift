import ArgumentParser
import Harmonize

/// `--spacing 0.5` or `--spacing 0.7,0.7,2.5`: millimetres per spatial axis; c3d's `0.7x0.7x2.5mm` and a trailing
/// `mm` are accepted too.
struct SpacingArgument: ExpressibleByArgument {
  var values: [Double]
  init?(argument: String) {
    var text = argument.trimmingCharacters(in: .whitespaces)
    if text.lowercased().hasSuffix("mm") { text = String(text.dropLast(2)) }
    let separator: Character = text.contains(",") ? "," : "x"
    let parts = text.split(separator: separator, omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
    values = parts.map { $0! }
  }
}

/// `--max-size 512` or `--max-size 512,512,256`: voxels per spatial axis.
struct SizeCapArgument: ExpressibleByArgument {
  var values: [Int]
  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
    values = parts.map { $0! }
  }
}

extension Interpolation: ExpressibleByArgument {}
extension GridPreset: ExpressibleByArgument {}
extension PixelType: ExpressibleByArgument {}

/// `--compression fast|default|best|N`: deflate effort for compressed outputs.
enum CompressionArgument: ExpressibleByArgument, Equatable {
  case fast, automatic, best
  case level(Int)

  init?(argument: String) {
    switch argument {
    case "fast": self = .fast
    case "default": self = .automatic
    case "best": self = .best
    default:
      guard let n = Int(argument), (1...12).contains(n) else { return nil }
      self = .level(n)
    }
  }

  /// The level for an output file: `.nii.gz` uses ISA-L igzip at 1 and libdeflate at 2...12 (`default`: by pixel
  /// type), NRRD and MetaImage ITK's zlib (1...9; `default`: zlib's own default, 6). Without `--compression` (nil),
  /// NRRD and MetaImage are written uncompressed, as SimpleITK's `WriteImage` does.
  func level(for path: String) -> Int? {
    let libdeflate = ImageFormat(path: path) == .niftiGz
    switch self {
    case .fast: return 1
    case .automatic: return libdeflate ? nil : 6
    case .best: return libdeflate ? 12 : 9
    case .level(let n): return libdeflate ? n : min(n, 9)
    }
  }

  static var allValueStrings: [String] { ["fast", "default", "best", "1...12"] }
}

/// `--memory 32G`: a byte count with a unit (B, K, M, G, T; "GiB", "GB" and "G" all mean 2^30). A bare number is
/// refused: `--memory 32` used to mean 32 bytes, where every user meant 32 GiB.
struct ByteCountArgument: ExpressibleByArgument {
  var bytes: Double
  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
    let number = text.prefix { $0.isNumber || $0 == "." }
    var unit = text.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
    for suffix in ["IB", "B"] where unit.hasSuffix(suffix) && unit.count > suffix.count {
      unit = String(unit.dropLast(suffix.count))
      break
    }
    let scale: Double
    switch unit {
    case "B": scale = 1
    case "K": scale = 1024
    case "M": scale = 1024 * 1024
    case "G": scale = 1024 * 1024 * 1024
    case "T": scale = 1024 * 1024 * 1024 * 1024
    default: return nil
    }
    guard let value = Double(number), value > 0, value.isFinite else { return nil }
    bytes = value * scale
  }
  static var defaultCompletionKind: CompletionKind { .default }
}

/// The interpolations a segmentation may take: `nearest`, `label`, or `nnunet` (nnU-Net's own; help lists only these).
enum LabelInterpolationArgument: String, CaseIterable, ExpressibleByArgument {
  case nearest, label, nnunet
  var interpolation: Interpolation {
    switch self {
    case .nearest: .nearest
    case .label: .label
    case .nnunet: .nnunetLabel
    }
  }
}

/// The interpolations `restore` maps a prediction back with: `nearest` or `label` (onto a given grid, so not nnU-Net's
/// own, which places its own grid).
enum RestoreInterpolationArgument: String, CaseIterable, ExpressibleByArgument {
  case nearest, label
  var interpolation: Interpolation { self == .nearest ? .nearest : .label }
}

/// The interpolations an image takes in a batch: `linear`, `bspline`, `nearest` or `nnunet` (label is for
/// segmentations).
enum ImageInterpolationArgument: String, CaseIterable, ExpressibleByArgument {
  case linear, bspline, nearest, nnunet
  var interpolation: Interpolation {
    switch self {
    case .linear: .linear
    case .bspline: .bspline
    case .nearest: .nearest
    case .nnunet: .nnunet
    }
  }
}

/// `--format nii.gz|nii|nrrd|mha` (a leading dot is accepted): the endings `batch` writes (`ImageFormat.batchOutputs`).
struct BatchFormatArgument: ExpressibleByArgument {
  var format: ImageFormat
  init?(argument: String) {
    let ending = argument.hasPrefix(".") ? argument : "." + argument
    guard let format = ImageFormat(rawValue: ending.lowercased()), ImageFormat.batchOutputs.contains(format) else {
      return nil
    }
    self.format = format
  }
  static var allValueStrings: [String] { ImageFormat.batchOutputs.map { String($0.ending.dropFirst()) } }
}

/// `--shard I/N` (0 ≤ I < N) or `auto` (the Slurm job array's task, read from the environment when the run starts).
struct ShardArgument: ExpressibleByArgument {
  var text: String
  init?(argument: String) {
    guard argument == "auto" || (try? Shard.parse(argument, environment: [:])) != nil else { return nil }
    text = argument
  }
  /// The shard for this run (`auto` resolved from SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN).
  func resolve() throws(BatchError) -> Shard { try Shard.parse(text) }
  static var allValueStrings: [String] { ["I/N", "auto"] }
}
