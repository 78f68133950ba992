import Foundation

/// What `harmonize info` reports about one file: everything in its header plus what follows from it
/// (orientation codes, the RAS affine nibabel would show, bytes in memory). Built from the header alone.
public struct ImageInfo: Codable, Equatable, Sendable {
  /// The file as named on the command line.
  public var path: String
  /// The reader that understood it ("NIfTI", "NRRD", "MetaImage", ...).
  public var format: String
  /// The file name's ending (".nii.gz", ".nrrd", ...).
  public var fileEnding: String
  /// Number of axes (2, 3 or 4).
  public var dimension: Int
  /// Voxels per axis, fastest first (i, j, k[, t]).
  public var size: [Int]
  /// Spacing per axis, mm (the fourth axis in its own unit, often seconds or ms).
  public var spacing: [Double]
  /// LPS position of voxel 0's centre, mm.
  public var origin: [Double]
  /// Row-major direction cosines in LPS; column c is axis c.
  public var direction: [Double]
  /// RAS+ axis codes as nibabel's `aff2axcodes` prints them.
  public var orientation: String
  /// The 4 x 4 voxel-to-RAS+ affine of the spatial axes, as nibabel's `img.affine`.
  public var affine: [[Double]]
  /// Component type (`u8` ... `f64`).
  public var pixelType: String
  /// Components per voxel.
  public var components: Int
  /// Bytes the pixels take in memory.
  public var bytes: Int
  /// What deserves a look: a NIfTI qform and sform that disagree, a data file outside the header's folder
  /// (`ImageFile.readWarnings`).
  public var warnings: [String]?
  /// For a DICOM series: which series, how many images, and what stands in the way of stacking it.
  public var dicom: DicomSeriesFacts?

  public init(path: String, header: ImageHeader) {
    self.path = path
    format = header.format
    fileEnding = ImageInfo.fileEnding(of: path)
    dimension = header.geometry.dimension
    size = header.geometry.size
    spacing = header.geometry.spacing
    origin = header.geometry.origin
    direction = header.geometry.direction
    orientation = header.axisCodes
    affine = header.geometry.rasAffine
    pixelType = header.pixelType.rawValue
    components = header.components
    bytes = header.pixelByteCount ?? 0
  }

  /// The ending of a file name, counting a compression suffix with the one before it: ".nii.gz", ".nrrd".
  public static func fileEnding(of path: String) -> String {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count > 1 else { return "" }
    let last = parts[parts.count - 1].lowercased()
    if ["gz", "bz2", "zst", "xz"].contains(last) && parts.count > 2 {
      return "." + parts[parts.count - 2] + "." + parts[parts.count - 1]
    }
    return "." + parts[parts.count - 1]
  }

  /// The report as a block of aligned lines, one fact each.
  public var text: String {
    let n = dimension
    // Rounded to 1e-9 for reading; --json keeps every digit.
    let rows = (0..<n).map { row in formatList(direction[(row * n)..<(row * n + n)].map { ($0 * 1e9).rounded() / 1e9 })
    }
    let spacingText = spacing.map(formatNumber).joined(separator: " x ")
    var lines = [path]
    if let dicom {
      lines.append(
        "  series       \(dicom.number.map(String.init) ?? "-") \(dicom.modality) '\(dicom.description)' (\(dicom.uid))"
      )
      lines.append("  images       \(dicom.images)")
    }
    lines.append("  format       \(format)\(dicom == nil ? " (\(fileEnding.isEmpty ? "no ending" : fileEnding))" : "")")
    lines.append(
      "  size         \(size.map(String.init).joined(separator: " x "))\(n == 4 ? " (4D: 3 spatial axes + 1)" : "")")
    lines.append("  spacing      \(spacingText) mm\(n == 4 ? " (axis 4 in its own unit)" : "")")
    lines.append("  origin       \(formatList(origin)) mm, LPS")
    lines.append("  direction    \(rows.joined(separator: " "))")
    lines.append("  orientation  \(orientation) (RAS+ axis codes, as nibabel prints them)")
    lines.append("  pixel type   \(pixelType), \(components) component\(components == 1 ? "" : "s")")
    lines.append("  memory       \(formatBytes(bytes)) (\(bytes) bytes)")
    for warning in warnings ?? [] { lines.append("  warning      \(warning)") }
    for note in dicom?.notes ?? [] { lines.append("  note         \(note)") }
    for problem in dicom?.problems ?? [] { lines.append("  problem      \(problem)") }
    return lines.joined(separator: "\n")
  }

  /// Several reports as a JSON array with sorted keys, pretty-printed.
  public static func json(_ infos: [ImageInfo]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(infos) else { return "[]" }
    return String(decoding: data, as: UTF8.self)
  }
}
