import Foundation
import HarmonizeVolume

/// Checks a resampled segmentation against its case's image and against itself before resampling (#13.8).
///
/// Why: a label from another scan used to become an all-background label with exit 0. A pair is refused when the
/// label's foreground lies outside the image's field of view (more than half an image voxel beyond it), and a
/// resample is refused when a label value present in the input is absent from the output (the target spacing is too
/// coarse for it). Each label's volume in mL (voxels × voxel volume / 1000) is reported before and after.
enum LabelPairCheck {
  /// One label value's volume, mL, in the input and the output.
  struct Volume: Codable, Sendable, Equatable {
    var before: Double
    var after: Double
  }

  struct Result: Sendable {
    /// By label value (as text, for JSON keys).
    var volumes: [String: Volume]
    /// Why the pair or the resample is wrong, or nil.
    var problem: String?
  }

  /// - Parameters: `label` and `output` the segmentation before and after; `image` the case's image (channel 0) as
  ///   stored, whose field of view the foreground must lie in. LPS mm throughout.
  static func run(label: String, output: String, imageGeometry: Geometry) throws -> Result {
    let input = try ImageFile.read(at: label)
    let resampled = try ImageFile.read(at: output)
    let before = counts(input), after = counts(resampled)
    let voxelBefore = input.geometry.spacing.prefix(3).reduce(1, *) / 1000
    let voxelAfter = resampled.geometry.spacing.prefix(3).reduce(1, *) / 1000
    var volumes: [String: Volume] = [:]
    for value in Set(before.counts.keys).union(after.counts.keys) where value != 0 {
      volumes[String(value)] = Volume(
        before: Double(before.counts[value] ?? 0) * voxelBefore,
        after: Double(after.counts[value] ?? 0) * voxelAfter)
    }
    var problems: [String] = []
    if let box = before.box {
      let corners = cornerIndices(box: box, of: input.geometry, in: imageGeometry)
      let outside = distanceOutside(corners: corners, image: imageGeometry)
      let foreground = before.counts.filter { $0.key != 0 }.values.reduce(0, +)
      if outside.corners == 8 && foreground > 0 && fullyOutside(corners: corners, image: imageGeometry) {
        problems.append(
          "the label's foreground lies entirely outside its image's field of view: a label of another scan?")
      } else if outside.mm > 0.5 * (imageGeometry.spacing.prefix(3).max() ?? 1) {
        problems.append(
          "the label's foreground extends \(formatNumber((outside.mm * 10).rounded() / 10)) mm beyond its image's field of view"
        )
      }
    }
    let vanished = before.counts.filter { $0.key != 0 && $0.value > 0 && (after.counts[$0.key] ?? 0) == 0 }.keys
      .sorted()
    if !vanished.isEmpty {
      let listed = vanished.map { "\($0) (\(formatNumber((volumes[String($0)]!.before * 1000).rounded() / 1000)) mL)" }
      problems.append(
        "label\(vanished.count > 1 ? "s" : "") \(listed.joined(separator: ", ")) vanished in the output: the target spacing is too coarse for \(vanished.count > 1 ? "them" : "it")"
      )
    }
    return Result(volumes: volumes, problem: problems.isEmpty ? nil : problems.joined(separator: "; "))
  }

  /// Voxels per integer value and the index box of the non-zero voxels (spatial axes; first component).
  static func counts(_ volume: HarmonizeVolume.Volume) -> (counts: [Int: Int], box: (lower: [Int], upper: [Int])?) {
    let g = volume.geometry
    let nx = g.size[0], ny = g.dimension > 1 ? g.size[1] : 1, nz = g.dimension > 2 ? g.size[2] : 1
    var small = [Int](repeating: 0, count: 256)
    var other: [Int: Int] = [:]
    var lower = [Int.max, Int.max, Int.max], upper = [-1, -1, -1]
    let components = volume.components
    var index = 0
    for k in 0..<nz {
      for j in 0..<ny {
        for i in 0..<nx {
          let x = volume.value(at: index * components)
          index += 1
          let value = Int(exactly: x.rounded()) ?? Int.max
          if value >= 0 && value < 256 { small[value] += 1 } else { other[value, default: 0] += 1 }
          if x != 0 {
            lower = [min(lower[0], i), min(lower[1], j), min(lower[2], k)]
            upper = [max(upper[0], i), max(upper[1], j), max(upper[2], k)]
          }
        }
      }
    }
    for (value, count) in small.enumerated() where count > 0 { other[value] = count }
    return (other, upper[0] < 0 ? nil : (lower, upper))
  }

  /// The outer corners of the box's voxels (half a voxel beyond its first and last indices), as continuous indices of
  /// `image`'s spatial grid; computed once and shared by the two tests below.
  static func cornerIndices(box: (lower: [Int], upper: [Int]), of label: Geometry, in image: Geometry) -> [[Double]] {
    (0..<8).map { corner in
      let index = (0..<label.dimension).map { axis -> Double in
        guard axis < 3 else { return 0 }
        return corner & (1 << axis) != 0 ? Double(box.upper[axis]) + 0.5 : Double(box.lower[axis]) - 0.5
      }
      return image.continuousIndex(ofPoint: label.point(atIndex: index))
    }
  }

  /// How far (mm, along the image's axes) the corners reach beyond the image's field of view, and how many of them
  /// lie outside it.
  static func distanceOutside(corners: [[Double]], image: Geometry) -> (mm: Double, corners: Int) {
    var worst = 0.0
    var cornersOutside = 0
    for c in corners {
      var beyond = 0.0
      for axis in 0..<min(3, image.dimension) {
        let low = -0.5 - c[axis], high = c[axis] - (Double(image.size[axis]) - 0.5)
        beyond = max(beyond, max(low, high) * image.spacing[axis])
      }
      if beyond > 1e-6 { cornersOutside += 1 }
      worst = max(worst, beyond)
    }
    return (worst, cornersOutside)
  }

  /// Whether the corners' box and the image's field of view do not intersect at all (separated along one of the
  /// image's axes).
  static func fullyOutside(corners: [[Double]], image: Geometry) -> Bool {
    (0..<min(3, image.dimension)).contains { axis in
      let values = corners.map { $0[axis] }
      return values.max()! < -0.5 || values.min()! > Double(image.size[axis]) - 0.5
    }
  }
}
