import Foundation
import HarmonizeResample
import HarmonizeVolume

/// A summary of a training set that prediction inputs are checked against: `harmonize fingerprint`'s JSON.
///
/// Format `harmonize.fingerprint`, version 1 (documented in README.md). Every per-axis quantity is in ITK
/// order (i, j, k: fastest-varying voxel axis first; nnU-Net's numpy order reversed); spacing in mm; orientation
/// codes are RAS+ letters as nibabel's `aff2axcodes` prints them. Intensities are in the file's stored units
/// (after NIfTI scl_slope/inter). Fields that a source cannot provide (nnU-Net's own fingerprint records no
/// orientation or pixel type) are absent, and the checks that need them say so.
public struct DatasetFingerprint: Codable, Sendable, Equatable {
  public static let formatName = "harmonize.fingerprint"
  public static let currentVersion = 1

  /// Always `harmonize.fingerprint`.
  public var format: String
  /// Format version; a reader refuses versions newer than `currentVersion`.
  public var version: Int
  /// The tool that wrote it, e.g. "harmonize 0.1.0".
  public var createdBy: String
  /// The folder or files it was computed from.
  public var source: String
  /// `nnunet-raw` (dataset.json + imagesTr), `folder` (any images), or `nnunet-model` (translated from
  /// nnU-Net's dataset_fingerprint.json and plans).
  public var kind: String
  /// nnU-Net's `file_ending`, when known.
  public var fileEnding: String?
  /// Channel names in channel order (`_0000` first); "0", "1", ... when no dataset.json names them.
  public var channelNames: [String]
  /// dataset.json's labels, when known.
  public var labels: [DatasetJSON.LabelEntry]?
  /// K, nnU-Net's number of segmentation heads, when labels are known.
  public var segmentationHeads: Int?
  public var caseCount: Int
  /// How many cases have 2 and 3 spatial axes ("2": n, "3": m).
  public var dimensions: [String: Int]
  /// Spacing per axis over the cases, mm, ITK order.
  public var spacing: [AxisStatistics]
  /// Size per axis over the cases, voxels, ITK order (as stored; absent for nnU-Net fingerprints).
  public var size: [AxisStatistics]?
  /// Size per axis after nnU-Net's crop to the non-zero region, ITK order, when pixels were read.
  public var sizeAfterCrop: [AxisStatistics]?
  /// nnU-Net's fullres target spacing rule applied to these cases (median; 10th percentile on an anisotropic
  /// axis), ITK order, mm.
  public var targetSpacing: [Double]
  /// Per channel: pixel type name → number of cases.
  public var pixelTypes: [[String: Int]]?
  /// Components per voxel → number of files ("1" for scalar images).
  public var components: [String: Int]?
  /// Orientation code (RAS+ letters) → number of cases.
  public var orientations: [String: Int]?
  /// Intensity statistics per channel.
  public var intensity: [ChannelIntensity]
  /// Label values found in the label files, when they were read.
  public var labelValues: [Int]?
  /// One record per training case.
  public var cases: [CaseRecord]
  /// Whether `targetSpacing` is an estimate: computed from the raw sizes (headers only), where nnU-Net tests an axis for
  /// anisotropy on the sizes after cropping to the non-zero region. The two agree unless scans are zero-padded
  /// (measured: z 3.86 mm from raw sizes, nnU-Net's plans 6.5 mm).
  public var targetSpacingIsEstimate: Bool { sizeAfterCrop == nil }

  /// How to say that `targetSpacing` is an estimate, for reports.
  public static let estimateNote =
    "estimated from raw sizes: nnU-Net decides anisotropy on sizes after cropping to the non-zero region, so zero-padded scans can change it; read the pixels for nnU-Net's value"

  /// nnU-Net's fullres `median_image_size_in_voxels` (before its transpose): the median over cases of the size after
  /// cropping resampled to `targetSpacing`, ITK order, voxels. nil without the cropped sizes (headers only).
  public var targetMedianSize: [Double]? = nil
  /// nnU-Net's `median_relative_size_after_cropping`: the median over cases of voxels after cropping over voxels before
  /// (below 0.75 nnU-Net normalizes ZScore channels within the non-zero mask). nil without the cropped sizes.
  public var medianRelativeSizeAfterCropping: Double? = nil

  /// Intensities of one channel.
  public struct ChannelIntensity: Codable, Sendable, Equatable {
    public var channel: Int
    public var name: String
    /// Voxels under a label > 0, pooled over cases (nnU-Net's `foreground_intensity_properties_per_channel`).
    public var foreground: IntensityStatistics?
    /// All voxels, sampled evenly, pooled over cases.
    public var image: IntensityStatistics?
  }

  /// One training case.
  public struct CaseRecord: Codable, Sendable, Equatable {
    public var id: String
    /// ITK order.
    public var size: [Int]?
    /// ITK order, mm.
    public var spacing: [Double]
    public var axisCodes: String?
    /// Per channel.
    public var pixelTypes: [String]?
    /// Bounding box size of the non-zero region, ITK order.
    public var sizeAfterCrop: [Int]?
    /// Per channel: the intensity distribution (`IntensityProfile`), when pixels were read; what `check` scores a
    /// prediction input's intensities against (`IntensityShift`).
    public var intensity: [IntensityProfile?]? = nil
  }

  /// The most common orientation code of the training cases (the target of `--orient like-training`).
  public var dominantOrientation: String? {
    orientations?.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
  }

  /// Axis orders (orientation codes with flips ignored, see `Orientation.axisOrder`) seen in training.
  public var axisOrders: Set<String> { Set((orientations ?? [:]).keys.map(axisOrder)) }

  /// Reads a fingerprint file.
  /// - Throws: `CheckReferenceError` for a missing or malformed file, another format, or a newer version.
  public static func load(_ path: String) throws(CheckReferenceError) -> DatasetFingerprint {
    let object = try JSONFile.object(at: path)
    guard object["format"] as? String == formatName else {
      throw CheckReferenceError(path, "not a harmonize fingerprint (format is not \"\(formatName)\")")
    }
    guard let version = object["version"].flatMap(JSONFile.integer) else {
      throw CheckReferenceError(path, "fingerprint has no version")
    }
    guard version <= currentVersion else {
      throw CheckReferenceError(
        path,
        "fingerprint format version \(version) is newer than this harmonize reads (\(currentVersion)); upgrade harmonize"
      )
    }
    do {
      let data = FileManager.default.contents(atPath: path) ?? Data()
      let fingerprint = try JSONDecoder.fingerprint.decode(DatasetFingerprint.self, from: data)
      if let problem = fingerprint.problems.first { throw CheckReferenceError(path, "invalid fingerprint: \(problem)") }
      return fingerprint
    } catch let error as CheckReferenceError {
      throw error
    } catch {
      throw CheckReferenceError(path, "malformed fingerprint: \(describe(error))")
    }
  }

  /// The numbers that cannot be true of a training set, each as a rule and the value: spacings (target and per case)
  /// within `Geometry.spacingRange`, 2 or 3 per case; sizes from 1 to 2^31.
  public var problems: [String] {
    var found: [String] = []
    if !targetSpacing.isEmpty
      && !((2...3).contains(targetSpacing.count) && targetSpacing.allSatisfy(Geometry.spacingRange.contains))
    {
      found.append("targetSpacing must be 2 or 3 numbers between 1e-06 and 1e+06 mm, not \(formatList(targetSpacing))")
    }
    for c in cases {
      if !((2...3).contains(c.spacing.count) && c.spacing.allSatisfy(Geometry.spacingRange.contains)) {
        found.append(
          "case \(c.id): spacing must be 2 or 3 numbers between 1e-06 and 1e+06 mm, not \(formatList(c.spacing))")
      }
      for sizes in [c.size, c.sizeAfterCrop].compactMap({ $0 })
      where !sizes.allSatisfy({ (0..<GridPlanner.maxAxisSize).contains($0) }) {
        found.append("case \(c.id): sizes must be from 0 to 2^31, not \(formatList(sizes))")
      }
    }
    return found
  }

  /// The fingerprint as pretty-printed JSON with sorted keys.
  public func jsonData() -> Data {
    (try? JSONEncoder.fingerprint.encode(self)) ?? Data()
  }
}

/// The axis order of an orientation code, flips ignored: each letter replaced by its axis (x for L/R, y for
/// P/A, z for I/S). "LPS" and "RAS" are both "xyz"; a sagittal "PIR" is "yzx".
public func axisOrder(_ code: String) -> String {
  String(
    code.map { c -> Character in
      switch c {
      case "L", "R": return "x"
      case "P", "A": return "y"
      case "I", "S": return "z"
      default: return "?"
      }
    })
}

extension JSONEncoder {
  /// Sorted keys, pretty printed, NaN and infinities as strings.
  static var fingerprint: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }
}

extension JSONDecoder {
  static var fingerprint: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }
}
