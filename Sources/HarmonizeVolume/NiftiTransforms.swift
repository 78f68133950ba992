import Foundation

/// Which of a NIfTI-1 file's two spatial transforms places the voxels.
///
/// ITK 5.2 (and so harmonize by default, and SimpleITK) uses the sform when it is a rotation with scaling and either
/// the qform is not set, the sform's code is scanner (1), or the two nearly agree; otherwise the qform. nibabel and
/// FSL use the sform whenever its code is set, else the qform. Atlases stored with a qform and an MNI/Talairach sform
/// that disagree (FSL's Harvard-Oxford: origins 72-126 mm apart) therefore land in different places in ITK-based and
/// nibabel-based tools.
public enum NiftiTransform: String, CaseIterable, Sendable {
  /// What ITK's NiftiImageIO chooses (the default: SimpleITK and nnU-Net's SimpleITKIO read the same geometry).
  case itk
  /// The sform (srow_x/y/z), as nibabel and FSL read it when sform_code > 0.
  case sform
  /// The qform (quaternion, qoffset, pixdim, qfac).
  case qform
}

/// A NIfTI-1 file's qform and sform as stored (voxel to RAS mm, 3 x 4 row-major), and what follows from them.
public struct NiftiTransforms: Sendable, Equatable {
  public var qformCode: Int
  public var sformCode: Int
  /// Rows x, y, z of the qform; nil when qform_code is 0.
  public var qform: [[Double]]?
  /// Rows x, y, z of the sform; nil when sform_code is 0.
  public var sform: [[Double]]?

  /// Largest distance in mm between where the qform and the sform put the centres of the grid's corner voxels; nil
  /// unless both are set.
  public func disagreement(size: [Int]) -> Double? {
    guard let qform, let sform else { return nil }
    var largest = 0.0
    for corner in 0..<8 {
      let index = (0..<3).map { axis in
        corner & (1 << axis) != 0 ? Double(max(0, (axis < size.count ? size[axis] : 1) - 1)) : 0
      }
      let q = Self.apply(qform, index), s = Self.apply(sform, index)
      largest = max(largest, sqrt(zip(q, s).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }))
    }
    return largest
  }

  /// Which transform ITK's reading of this file (`geometry`) follows: the one whose affine is closer to it.
  public func itkChoice(_ geometry: Geometry) -> NiftiTransform {
    let affine = Array(geometry.rasAffine.prefix(3))
    func distance(_ m: [[Double]]?) -> Double {
      guard let m else { return .infinity }
      return zip(m.joined(), affine.joined()).reduce(0) { $0 + abs($1.0 - $1.1) }
    }
    return distance(sform) < distance(qform) ? .sform : .qform
  }

  /// The transform nibabel (`img.affine`) and FSL use.
  public var nibabelChoice: NiftiTransform? { sform != nil ? .sform : qform != nil ? .qform : nil }

  /// `geometry` placed by the chosen transform: spacing from its column lengths, direction from its normalised
  /// columns (RAS to LPS), origin from its translation; the fourth axis is kept.
  /// - Throws: `ImageFileError.Reason.corrupt` when that transform is not set or is sheared (ITK geometry holds only
  ///   a rotation with scaling).
  public func geometry(_ choice: NiftiTransform, like geometry: Geometry) throws(ImageFileError.Reason) -> Geometry {
    let matrix: [[Double]]?
    switch choice {
    case .itk: return geometry
    case .sform: matrix = sform
    case .qform: matrix = qform
    }
    guard let m = matrix else {
      throw .corrupt("its \(choice.rawValue) is not set (code 0); use --nifti-transform itk")
    }
    let n = geometry.dimension
    guard n >= 3 else { return geometry }
    var result = geometry
    let flip = [-1.0, -1.0, 1.0]
    var columns: [[Double]] = []
    for column in 0..<3 {
      let v = (0..<3).map { flip[$0] * m[$0][column] }
      let length = sqrt(v.reduce(0) { $0 + $1 * $1 })
      guard length > 0 else { throw .corrupt("its \(choice.rawValue) has a zero column") }
      result.spacing[column] = length
      columns.append(v.map { $0 / length })
    }
    for a in 0..<3 {
      for b in (a + 1)..<3 where abs(zip(columns[a], columns[b]).reduce(0) { $0 + $1.0 * $1.1 }) > 1e-4 {
        throw .corrupt(
          "its \(choice.rawValue) is sheared (columns \(a) and \(b) are not perpendicular); ITK geometry holds only rotations"
        )
      }
    }
    for row in 0..<3 {
      for column in 0..<3 { result.direction[row * n + column] = columns[column][row] }
      result.origin[row] = flip[row] * m[row][3]
    }
    return result
  }

  static func apply(_ m: [[Double]], _ index: [Double]) -> [Double] {
    (0..<3).map { row in m[row][0] * index[0] + m[row][1] * index[1] + m[row][2] * index[2] + m[row][3] }
  }

  /// The NIfTI-1 code's name.
  static func codeName(_ code: Int) -> String {
    switch code {
    case 1: "scanner"
    case 2: "aligned"
    case 3: "Talairach"
    case 4: "MNI152"
    case 5: "template"
    default: "code \(code)"
    }
  }

  /// Distances above this many mm between qform and sform are reported.
  public static let tolerance = 0.1

  /// One line for a file whose qform and sform disagree beyond `tolerance`: by how much, which one ITK (harmonize's
  /// default) and nibabel/FSL use, and how to choose; nil when they agree or only one is set.
  /// `itkGeometry` is the geometry ITK itself read (before any `--nifti-transform` choice).
  public func warning(itkGeometry: Geometry, reading: NiftiTransform) -> String? {
    guard let distance = disagreement(size: itkGeometry.size), distance > Self.tolerance else { return nil }
    let itk = itkChoice(itkGeometry)
    let other: NiftiTransform = itk == .sform ? .qform : .sform
    let used = reading == .itk ? itk : reading
    return "qform (\(Self.codeName(qformCode))) and sform (\(Self.codeName(sformCode))) disagree by up to "
      + "\(formatNumber((distance * 10).rounded() / 10)) mm; ITK and SimpleITK use the \(itk.rawValue), nibabel and FSL the "
      + "\(nibabelChoice?.rawValue ?? "sform"); harmonize read the \(used.rawValue)"
      + (used == other ? "" : " (--nifti-transform \(other.rawValue) reads the other)")
  }
}
