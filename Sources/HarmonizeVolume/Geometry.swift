/// Placement of a voxel grid in ITK's physical space (LPS, millimetres).
///
/// The centre of voxel `index` is `origin + direction * (spacing ⊙ index)`; the grid's extent starts half a
/// voxel before voxel 0 and ends half a voxel after the last one. Axes are ordered fastest-varying first
/// (i, j, k[, t]), as in ITK and SimpleITK; numpy and nnU-Net use the reverse order.
///
/// A geometry has 2, 3 or 4 axes. For a 4D image (a time series, or nnU-Net style stacked channels in one
/// NIfTI) the fourth axis has its own spacing (often seconds) and is not a spatial axis.
public struct Geometry: Hashable, Codable, Sendable {
  /// Voxels per axis, fastest-varying first (i, j, k).
  public var size: [Int]
  /// Distance between neighbouring voxel centres along each axis, in mm; finite and > 0.
  public var spacing: [Double]
  /// LPS position of the centre of voxel (0, 0, 0), in mm.
  public var origin: [Double]
  /// Direction cosines, row-major `dimension x dimension`; column `c` is the LPS unit vector of voxel axis `c`.
  public var direction: [Double]

  /// Creates a geometry; `direction` defaults to the identity.
  public init(size: [Int], spacing: [Double], origin: [Double]? = nil, direction: [Double]? = nil) {
    let n = size.count
    self.size = size
    self.spacing = spacing
    self.origin = origin ?? Array(repeating: 0, count: n)
    self.direction = direction ?? Geometry.identity(n)
  }

  /// Number of axes.
  public var dimension: Int { size.count }

  /// The `n x n` identity, row-major.
  public static func identity(_ n: Int) -> [Double] {
    (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 }
  }

  /// Product of the sizes, or nil when it does not fit in `Int`.
  public var voxelCount: Int? {
    var total = 1
    for n in size {
      let (product, overflow) = total.multipliedReportingOverflow(by: n)
      if overflow { return nil }
      total = product
    }
    return total
  }

  /// Spatial spacing outside this range (mm) is not a real image: a corrupt header or a unit mix-up of 10^6.
  public static let spacingRange = 1e-6...1e6
  /// Positions further than this from the scanner's origin (mm, 1000 km) come from a corrupt header.
  public static let maxPosition = 1e9

  /// The problems that make this geometry unusable, each as a rule and the offending value; empty when valid.
  ///
  /// Rules: 2 to 4 axes; every array the same length; sizes ≥ 1; spacing finite and > 0, and within `spacingRange`
  /// on the spatial axes (the first three); origin finite and within `maxPosition`; direction finite and the matrix
  /// not singular. Every number that reaches the planners, the kernels or ITK has passed these.
  public var problems: [String] {
    var found: [String] = []
    let n = dimension
    guard (2...4).contains(n) else { return ["images must have 2 to 4 axes, not \(n)"] }
    guard spacing.count == n, origin.count == n, direction.count == n * n else {
      return ["size, spacing, origin and direction disagree on the number of axes"]
    }
    if size.contains(where: { $0 < 1 }) {
      found.append("size must be at least 1 on every axis, not \(formatList(size))")
    }
    if spacing.contains(where: { !($0.isFinite && $0 > 0) }) {
      found.append("spacing must be finite and > 0, not \(formatList(spacing))")
    } else if spacing.prefix(3).contains(where: { !Geometry.spacingRange.contains($0) }) {
      found.append("spacing must be between 1e-06 and 1e+06 mm, not \(formatList(spacing))")
    }
    if origin.contains(where: { !($0.isFinite && abs($0) <= Geometry.maxPosition) }) {
      found.append("origin must be finite and within 1e9 mm, not \(formatList(origin))")
    }
    if direction.contains(where: { !$0.isFinite }) {
      found.append("direction must be finite, not \(formatList(direction))")
    } else if abs(determinant(direction, n)) < 1e-6 {
      found.append("direction matrix is singular: \(formatList(direction))")
    }
    return found
  }
}

extension Geometry {
  private enum CodingKeys: String, CodingKey { case size, spacing, origin, direction }

  /// Decodes a geometry from JSON (sidecars, manifests, fingerprints) and refuses one with `problems`: a number from
  /// a file is checked before it reaches an Int, a planner or ITK.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      size: try container.decode([Int].self, forKey: .size),
      spacing: try container.decode([Double].self, forKey: .spacing),
      origin: try container.decode([Double].self, forKey: .origin),
      direction: try container.decode([Double].self, forKey: .direction))
    if let problem = problems.first {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "invalid geometry: \(problem)"))
    }
  }
}

/// Determinant of a row-major `n x n` matrix, by Gaussian elimination with partial pivoting.
func determinant(_ m: [Double], _ n: Int) -> Double {
  var a = m
  var det = 1.0
  for col in 0..<n {
    var pivot = col
    for row in (col + 1)..<n where abs(a[row * n + col]) > abs(a[pivot * n + col]) { pivot = row }
    if a[pivot * n + col] == 0 { return 0 }
    if pivot != col {
      for k in 0..<n { a.swapAt(col * n + k, pivot * n + k) }
      det = -det
    }
    det *= a[col * n + col]
    for row in (col + 1)..<n {
      let factor = a[row * n + col] / a[col * n + col]
      for k in col..<n { a[row * n + k] -= factor * a[col * n + k] }
    }
  }
  return det
}
