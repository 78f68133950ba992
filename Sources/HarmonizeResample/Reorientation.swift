import HarmonizeVolume

/// Lossless reorientation: voxels are moved (axes permuted and flipped), never interpolated, and the direction,
/// spacing, size and origin change with them so that every voxel centre keeps its physical position (LPS, mm).
///
/// Orientation codes are RAS+ letters as nibabel prints them (`RAS`, `LPS`, `PIR`, ...). For an oblique image the
/// closest axis-aligned orientation is used, as nibabel's `io_orientation` chooses it. Only the spatial axes move: a
/// fourth axis and the components of each voxel stay as they are.
public enum Reorientation {
  /// How each output axis is taken from the input: output axis `b` is input axis `source[b]`, reversed when `flip[b]`.
  public struct Plan: Equatable, Sendable {
    public var source: [Int]
    public var flip: [Bool]
    /// Whether the plan leaves the image as it is.
    public var isIdentity: Bool { source == Array(0..<source.count) && !flip.contains(true) }
  }

  /// Parses three RAS+ letters, one from each of L/R, P/A, I/S, into (world axis, sign) per voxel axis.
  /// - Throws: `ResampleError` naming the rule when the code is not such a triple.
  public static func parse(_ code: String) throws(ResampleError) -> [(worldAxis: Int, sign: Int)] {
    let table: [Character: (Int, Int)] = [
      "L": (0, -1), "R": (0, 1), "P": (1, -1), "A": (1, 1), "I": (2, -1), "S": (2, 1),
    ]
    let letters = Array(code.uppercased())
    let parsed = letters.compactMap { table[$0] }
    guard letters.count == 3, parsed.count == 3, Set(parsed.map(\.0)).count == 3 else {
      throw ResampleError(
        .invalidRequest(
          "orientation must be three letters, one of L/R, one of A/P and one of S/I (RAS+ codes as nibabel prints them), not '\(code)'"
        ))
    }
    return parsed.map { (worldAxis: $0.0, sign: $0.1) }
  }

  /// The plan that takes `geometry` to orientation `code`.
  public static func plan(_ geometry: Geometry, to code: String) throws(ResampleError) -> Plan {
    let target = try parse(code)
    let current = Orientation.axisAssignment(geometry)
    var source: [Int] = []
    var flip: [Bool] = []
    for (worldAxis, sign) in target {
      let a = current.firstIndex { $0.worldAxis == worldAxis }!
      source.append(a)
      flip.append(current[a].sign != sign)
    }
    if geometry.dimension == 2 && source[2] != 2 {
      throw ResampleError(
        .invalidRequest(
          "a 2D image (codes \(Orientation.axisCodes(geometry))) can only be flipped or have its two axes swapped, not take '\(code.uppercased())'"
        ))
    }
    let n = min(geometry.dimension, 3)
    return Plan(source: Array(source.prefix(n)), flip: Array(flip.prefix(n)))
  }

  /// The geometry after `plan`: sizes and spacing permuted, direction columns permuted and negated where flipped,
  /// origin at the centre of the input voxel that becomes voxel 0.
  public static func geometry(_ g: Geometry, _ plan: Plan) -> Geometry {
    let d = g.dimension
    var out = g
    var cornerIndex = Array(repeating: 0.0, count: d)
    for (b, a) in plan.source.enumerated() {
      out.size[b] = g.size[a]
      out.spacing[b] = g.spacing[a]
      for row in 0..<d { out.direction[row * d + b] = g.direction[row * d + a] * (plan.flip[b] ? -1 : 1) }
      if plan.flip[b] { cornerIndex[a] = Double(g.size[a] - 1) }
    }
    out.origin = g.point(atIndex: cornerIndex)
    return out
  }

  /// Reorients a volume to `code`.
  public static func reorient(_ volume: Volume, to code: String) throws(ResampleError) -> Volume {
    try apply(try plan(volume.geometry, to: code), to: volume)
  }

  /// Moves the voxels of `volume` as `plan` says.
  public static func apply(_ plan: Plan, to volume: Volume) throws(ResampleError) -> Volume {
    let g = volume.geometry
    var output: Volume
    do {
      output = try Volume(geometry: geometry(g, plan), pixelType: volume.pixelType, components: volume.components)
    } catch {
      throw ResampleError(.tooLarge("\(error)"))
    }
    let valueBytes = volume.pixelType.byteCount * volume.components
    let size = Space3(g).size
    let inStride = SIMD3(1, size.x, size.x * size.y)
    let outSize = SIMD3((0..<3).map { $0 < plan.source.count ? size[plan.source[$0]] : 1 })
    // For output axis b: the input's step per output index, and where index 0 starts.
    var step = SIMD3<Int>(0, 0, 0)
    var start = 0
    for b in 0..<3 {
      let a = b < plan.source.count ? plan.source[b] : b
      let flipped = b < plan.flip.count && plan.flip[b]
      step[b] = flipped ? -inStride[a] : inStride[a]
      if flipped { start += (size[a] - 1) * inStride[a] }
    }
    let voxelsPerTime = size.x * size.y * size.z
    let timePoints = g.dimension == 4 ? g.size[3] : 1
    output.withUnsafeMutableBytes { out in
      volume.withUnsafeBytes { input in
        var o = 0
        for t in 0..<timePoints {
          let base = t * voxelsPerTime
          for k in 0..<outSize.z {
            for j in 0..<outSize.y {
              var source = base + start + k * step.z + j * step.y
              for _ in 0..<outSize.x {
                (out.baseAddress! + o * valueBytes).copyMemory(
                  from: input.baseAddress! + source * valueBytes, byteCount: valueBytes)
                o += 1
                source += step.x
              }
            }
          }
        }
      }
    }
    return output
  }
}
