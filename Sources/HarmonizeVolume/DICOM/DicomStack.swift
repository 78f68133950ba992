import Foundation

/// A series' images stacked into one 3D grid, after the geometry checks that dcm2niix users rely on. Slices are
/// ordered by ImagePositionPatient along the slice normal (row × column direction), never by file name or
/// InstanceNumber; the grid's third axis is that normal, its origin the first slice's position (LPS mm), as ITK's
/// series reader places it.
public struct DicomStack: Sendable {
  /// The slices in grid order (ascending along the normal).
  public let slices: [DicomSlice]
  public let geometry: Geometry
  /// Why the series cannot be stacked faithfully: each a finding; the stack is refused when any is present.
  public let problems: [String]
  /// What was done that deserves a word (localizers left out, a missing PixelSpacing taken as 1 mm).
  public let notes: [String]

  /// Relative and absolute tolerance on slice steps and positions (mm): DICOM's decimal strings round positions.
  static let relativeTolerance = 0.005
  static let absoluteTolerance = 0.005

  /// Stacks `series`; `problems` says what stands in the way.
  public init(_ series: DicomSeries) {
    var notes: [String] = []
    var problems: [String] = []
    var images = series.slices
    let localizers = images.filter(\.isLocalizer)
    if !localizers.isEmpty && localizers.count < images.count {
      images.removeAll(where: \.isLocalizer)
      notes.append(
        "\(localizers.count) localizer image\(localizers.count == 1 ? "" : "s") left out (ImageType LOCALIZER)")
    }
    let first = images[0]
    // One pixel layout for every image.
    let layouts = Dictionary(grouping: images) {
      "\($0.columns) x \($0.rows), \($0.samplesPerPixel) sample(s), \($0.bitsAllocated) bits allocated, "
        + ($0.pixelRepresentation == 1 ? "signed" : "unsigned")
    }
    if layouts.count > 1 {
      problems.append(
        "inconsistent image sizes or pixel formats: "
          + layouts.map { "\($0.key) (\($0.value.count) images)" }.sorted().joined(separator: ", ")
          + "; dcm2niix would split them into separate volumes")
    }
    if first.samplesPerPixel != 1 {
      problems.append(
        "\(first.samplesPerPixel) samples per pixel (\(first.photometric)): colour DICOM is not supported, only grey levels"
      )
    }
    if ![8, 16, 32].contains(first.bitsAllocated) {
      problems.append("\(first.bitsAllocated) bits allocated: only 8, 16 and 32 are supported")
    }
    if images.count > 1, let frames = images.first(where: { $0.frames > 1 }) {
      problems.append("a multi-frame file (\(PathText.name(frames.path)), \(frames.frames) frames) among other images")
    }
    let spacing = first.pixelSpacing ?? [1, 1]
    if first.pixelSpacing == nil { notes.append("no PixelSpacing (0028,0030): 1 mm taken, as ITK does") }
    if images.contains(where: { ($0.pixelSpacing ?? [1, 1]) != spacing }) {
      problems.append("PixelSpacing differs between images")
    }
    var geometry = Geometry(size: [first.columns, first.rows, images.count], spacing: [spacing[1], spacing[0], 1])
    var ordered = images
    if let orientation = first.orientation {
      let row = Array(orientation[0..<3]), column = Array(orientation[3..<6])
      let normal = Self.cross(row, column)
      if abs(Self.norm(row) - 1) > 1e-3 || abs(Self.norm(column) - 1) > 1e-3 || abs(Self.dot(row, column)) > 1e-3 {
        problems.append("ImageOrientationPatient is not two orthogonal unit vectors: \(formatList(orientation))")
      }
      let orientations = Dictionary(grouping: images) { image in
        (image.orientation ?? []).map { ($0 * 1e4).rounded() / 1e4 }
      }
      if orientations.count > 1 {
        // Steps and shear mean nothing across orientations: this is the finding.
        problems.append(
          "\(orientations.count) slice orientations in one series (a localizer or a reformat mixed in?): "
            + orientations.map { "\(formatList($0.key)) (\($0.value.count) images)" }.sorted().joined(separator: ", ")
            + "; dcm2niix would write each as a separate volume")
      } else if images.contains(where: { $0.position == nil }) {
        problems.append("ImagePositionPatient (0020,0032) is missing: slices cannot be placed")
      } else {
        ordered = images.sorted {
          (Self.dot($0.position!, normal), $0.instanceNumber ?? 0) < (
            Self.dot($1.position!, normal), $1.instanceNumber ?? 0
          )
        }
        let distances = ordered.map { Self.dot($0.position!, normal) }
        let (step, stepProblems) = Self.checkSteps(distances)
        problems += stepProblems
        problems += Self.checkTilt(ordered, normal: normal)
        geometry.spacing[2] = step ?? Self.singleSliceStep(first)
        geometry.origin = ordered[0].position!
        geometry.direction = [row[0], column[0], normal[0], row[1], column[1], normal[1], row[2], column[2], normal[2]]
      }
    } else if images.count == 1 {
      // One image without placement (a radiograph, a secondary capture): identity direction, as ITK reads it.
      geometry.origin = first.position ?? [0, 0, 0]
      geometry.spacing[2] = Self.singleSliceStep(first)
      notes.append("no ImageOrientationPatient (0020,0037): identity direction taken, as ITK does")
    } else {
      problems.append("ImageOrientationPatient (0020,0037) is missing: slices cannot be placed")
    }
    if first.frames > 1 && images.count == 1 {
      problems.removeAll()  // a multi-frame file: GDCM places its frames (DicomSeriesReader)
    }
    self.slices = ordered
    self.geometry = geometry
    self.problems = problems
    self.notes = notes
  }

  /// The third spacing of a grid without two slice positions: SpacingBetweenSlices, else SliceThickness, else 1 mm.
  static func singleSliceStep(_ slice: DicomSlice) -> Double {
    let z = slice.spacingBetweenSlices ?? slice.sliceThickness ?? 1
    return z > 0 ? z : 1
  }

  /// The typical step between consecutive slices (mm), and what is wrong with the steps: repeated positions, gaps
  /// (missing slices), uneven spacing.
  static func checkSteps(_ distances: [Double]) -> (Double?, [String]) {
    guard distances.count > 1 else { return (nil, []) }
    let steps = zip(distances.dropFirst(), distances).map { $0 - $1 }
    let sorted = steps.sorted()
    let median = sorted[sorted.count / 2]
    let tolerance = max(absoluteTolerance, relativeTolerance * abs(median))
    var problems: [String] = []
    let repeated = steps.filter { abs($0) <= absoluteTolerance }.count
    if repeated > 0 {
      let distinct = distances.count - repeated
      problems.append(
        "\(repeated) image\(repeated == 1 ? " repeats" : "s repeat") a slice position (\(distances.count) images at \(distinct) positions: several echoes, phases or acquisitions?); "
          + (distances.count % distinct == 0
            ? "dcm2niix would write them as a 4D volume or split them by echo"
            : "dcm2niix would warn and split or skip them"))
      return (nil, problems)
    }
    if median <= absoluteTolerance { return (nil, problems) }
    var gaps: [String] = []
    var uneven: [Double] = []
    for (index, step) in steps.enumerated() where abs(step - median) > tolerance {
      let multiple = (step / median).rounded()
      if multiple >= 2 && abs(step - multiple * median) <= tolerance * multiple {
        gaps.append(
          "\(Int(multiple) - 1) missing after slice \(index) (a \(formatNumber(step)) mm step where the others are \(formatNumber(median)) mm)"
        )
      } else {
        uneven.append(step)
      }
    }
    if !gaps.isEmpty {
      problems.append(
        "missing slices: " + gaps.prefix(5).joined(separator: ", ") + (gaps.count > 5 ? ", ..." : "")
          + "; dcm2niix would warn and write the slices as if evenly spaced")
    }
    if !uneven.isEmpty {
      let counts = Dictionary(grouping: steps.map { ($0 * 1000).rounded() / 1000 }, by: { $0 }).mapValues(\.count)
      problems.append(
        "non-uniform slice spacing: steps "
          + counts.sorted { $0.value > $1.value }.prefix(6).map { "\(formatNumber($0.key)) mm (\($0.value)x)" }
          .joined(separator: ", ")
          + "; dcm2niix would write an equalized copy (_Eq) or warn that NIfTI cannot store it")
    }
    let span = distances.last! - distances.first!
    return (span / Double(distances.count - 1), problems)
  }

  /// A gantry tilt: slice positions that move off the slice normal (a sheared grid no direction matrix can hold).
  static func checkTilt(_ ordered: [DicomSlice], normal: [Double]) -> [String] {
    guard ordered.count > 1, let a = ordered.first?.position, let b = ordered.last?.position else { return [] }
    let travel = zip(b, a).map { $0 - $1 }
    let length = norm(travel)
    guard length > absoluteTolerance else { return [] }
    let along = dot(travel, normal)
    let off = sqrt(max(0, length * length - along * along))
    let degrees = atan2(off, abs(along)) * 180 / .pi
    guard degrees > 0.05 && off > absoluteTolerance * 4 else { return [] }
    let tag = ordered[0].gantryTilt.map { " (GantryDetectorTilt \(formatNumber($0))°)" } ?? ""
    return [
      "gantry tilt: slices are sheared by \(formatNumber((degrees * 100).rounded() / 100))°\(tag), \(formatNumber((off * 10).rounded() / 10)) mm off the slice normal over the stack; "
        + "SimpleITK would place them on an unsheared grid, dcm2niix would write a tilt-corrected copy (_Tilt_1)"
    ]
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
  static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
  static func cross(_ a: [Double], _ b: [Double]) -> [Double] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
  }
}
