import Foundation
import HarmonizeVolume

/// Plans output grids from headers alone. Spatial axes are the first two or three; a fourth (time, or stacked
/// channels) is kept as it is. Geometry is ITK's: LPS millimetres.
public enum GridPlanner {
  /// The grid a request produces for an input header.
  /// - Throws: `ResampleError` for an invalid request, or a cap that cannot be met.
  public static func plan(_ input: ImageHeader, _ request: ResampleRequest) throws(ResampleError) -> GridPlan {
    if let problem = request.problems.first { throw ResampleError(.invalidRequest(problem)) }
    let g = input.geometry
    let n = min(g.dimension, 3)
    // nnU-Net resamples images as float32.
    let outputType = request.outputType ?? (request.interpolation == .nnunet ? .f32 : input.pixelType)
    switch request.target {
    case .like(let reference):
      let geometry = try likeGeometry(input: g, reference: reference)
      return try checkSize(
        GridPlan(
          geometry: geometry, sampling: .physical, requestedSpacing: nil, capped: false, warnings: [],
          pixelType: outputType, components: input.components))
    case .spacing(let values):
      var target = values.count == 1 ? Array(repeating: values[0], count: n) : values
      if target.count == 3 && n == 2 { target = Array(target.prefix(2)) }
      guard target.count == n else {
        throw ResampleError(.invalidRequest("spacing has \(values.count) values but the image has \(n) spatial axes"))
      }
      let isotropic = Set(values).count == 1
      var warnings: [String] = []
      let (spacing, capped) = try applyCaps(geometry: g, target: target, isotropic: isotropic, request: request)
      if capped {
        warnings.append(
          "size cap: spacing coarsened from \(formatList(target)) to \(formatList(spacing.map(roundForDisplay))) mm to keep the field of view"
        )
      }
      let sizes = (0..<n).map { outputSize(g.size[$0], g.spacing[$0], spacing[$0]) }
      var out = g
      var sampling = GridPlan.Sampling.physical
      for axis in 0..<n {
        out.size[axis] = sizes[axis]
        out.spacing[axis] = spacing[axis]
      }
      switch request.interpolation.isNNUNet ? .nnunet : request.grid {
      case .center:
        // Voxel k sits at input index (n-1)/2 + (k - (m-1)/2)·t/s on each axis: the grids share their centre.
        var index = Array(repeating: 0.0, count: g.dimension)
        for axis in 0..<n {
          let inputCentre = Double(g.size[axis] - 1) / 2
          let outputCentre = Double(sizes[axis] - 1) / 2
          index[axis] = inputCentre - outputCentre * spacing[axis] / g.spacing[axis]
        }
        out.origin = g.point(atIndex: index)
      case .sitk:
        for axis in 0..<n {
          // Output plane k samples input index k·t/s; ITK treats an index ≥ n - 0.5 as outside.
          let outside = (0..<sizes[axis]).filter {
            Double($0) * spacing[axis] / g.spacing[axis] >= Double(g.size[axis]) - 0.5
          }.count
          guard outside > 0 else { continue }
          warnings.append(
            outside == 1
              ? "grid sitk: the last plane along axis \(axis) falls outside the input (ITK treats index n-0.5 as outside) and gets the default value; --grid center avoids it"
              : "grid sitk: the last \(outside) planes along axis \(axis) fall outside the input (ITK treats index n-0.5 as outside) and get the default value; --grid center avoids it"
          )
        }
      case .nnunet:
        let scale = (0..<n).map { Double(g.size[$0]) / Double(sizes[$0]) }
        let offset = scale.map { 0.5 * $0 - 0.5 }
        sampling = .arraySpace(scale: scale, offset: offset)
        // The header says where the samples are: n/m input voxels apart, the first at input index offset (not the
        // nominal spacing at the input's origin, which misplaces the last plane by up to half a voxel).
        for axis in 0..<n { out.spacing[axis] = g.spacing[axis] * scale[axis] }
        out.origin = g.point(atIndex: (0..<g.dimension).map { $0 < n ? offset[$0] : 0 })
      }
      return try checkSize(
        GridPlan(
          geometry: out, sampling: sampling, requestedSpacing: target, capped: capped,
          warnings: warnings, pixelType: outputType, components: input.components))
    }
  }

  /// `round(n·s/t)` with round-half-to-even, as Python's `round` in the SimpleITK recipe and nnU-Net; at least 1, and at
  /// most `maxAxisSize` (a larger or non-finite quotient is clamped there, and `plan` refuses the grid as too large).
  public static func outputSize(_ n: Int, _ s: Double, _ t: Double) -> Int {
    let size = (Double(n) * s / t).rounded(.toNearestOrEven)
    guard size.isFinite, size < Double(maxAxisSize) else { return maxAxisSize }
    return max(1, Int(size))
  }

  /// Largest output size per axis the planner computes with (2^31); ITK's NIfTI-1 holds 32767, NRRD and MetaImage more.
  public static let maxAxisSize = 1 << 31
  /// Largest output the planner accepts, in bytes (1 PiB): every later product of sizes fits in 64 bits.
  public static let maxOutputBytes = 1 << 50

  /// Refuses an output grid whose pixels overflow or exceed `maxOutputBytes`, before anyone multiplies its sizes.
  static func checkSize(_ plan: GridPlan) throws(ResampleError) -> GridPlan {
    guard let bytes = plan.outputBytes, bytes <= maxOutputBytes,
      plan.geometry.size.allSatisfy({ $0 < maxAxisSize })
    else {
      throw ResampleError(
        .tooLarge(
          "the output grid \(plan.geometry.size.map(String.init).joined(separator: " x ")) "
            + "at \(formatList(plan.geometry.spacing)) mm is too large to hold or write; use a coarser spacing, --max-size or --max-voxels"
        ))
    }
    return plan
  }

  private static func roundForDisplay(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

  /// The spacing after size caps: unchanged when no cap bites; otherwise coarsened just enough, by one factor for an
  /// isotropic target (it stays isotropic), per offending axis for a per-axis target; the field of view is kept.
  static func applyCaps(
    geometry g: Geometry, target: [Double], isotropic: Bool,
    request: ResampleRequest
  ) throws(ResampleError) -> (spacing: [Double], capped: Bool) {
    let n = target.count
    var spacing = target
    let extent = (0..<n).map { Double(g.size[$0]) * g.spacing[$0] }
    if let caps = request.maxSize {
      let cap = (0..<n).map { caps.count == 1 ? caps[0] : caps[min($0, caps.count - 1)] }
      if isotropic {
        // The finest isotropic spacing whose sizes all fit: extent / cap on the tightest axis.
        var t = spacing[0]
        for axis in 0..<n where outputSize(g.size[axis], g.spacing[axis], t) > cap[axis] {
          t = max(t, extent[axis] / Double(cap[axis]))
        }
        spacing = Array(repeating: t, count: n)
      } else {
        for axis in 0..<n where outputSize(g.size[axis], g.spacing[axis], spacing[axis]) > cap[axis] {
          spacing[axis] = max(spacing[axis], extent[axis] / Double(cap[axis]))
        }
      }
    }
    if let maxVoxels = request.maxVoxels {
      func voxels(_ s: [Double]) -> Double {
        (0..<n).reduce(1.0) { $0 * Double(outputSize(g.size[$1], g.spacing[$1], s[$1])) }
      }
      if voxels(spacing) > Double(maxVoxels) {
        // Scale every axis by one factor, starting from the continuous estimate, then nudge until it fits.
        var factor = pow(voxels(spacing) / Double(maxVoxels), 1 / Double(n))
        let base = spacing
        var tries = 0
        while voxels(base.map { $0 * factor }) > Double(maxVoxels) {
          factor *= 1.0005
          tries += 1
          if tries > 100_000 { throw ResampleError(.invalidRequest("cannot meet the voxel cap of \(maxVoxels)")) }
        }
        spacing = base.map { $0 * factor }
      }
    }
    return (spacing, spacing != target)
  }

  /// The reference's spatial grid with the input's extra (fourth) axis, if any.
  static func likeGeometry(input g: Geometry, reference r: Geometry) throws(ResampleError) -> Geometry {
    let n = min(g.dimension, 3)
    guard r.dimension >= n, r.dimension <= 3 || r.dimension == g.dimension else {
      throw ResampleError(.invalidRequest("the reference has \(r.dimension) axes, the input \(g.dimension)"))
    }
    if g.dimension <= 3 && r.dimension == g.dimension { return r }
    var out = g
    let rn = min(r.dimension, 3)
    guard rn == n else { throw ResampleError(.invalidRequest("the reference has \(rn) spatial axes, the input \(n)")) }
    for axis in 0..<n {
      out.size[axis] = r.size[axis]
      out.spacing[axis] = r.spacing[axis]
      out.origin[axis] = r.origin[axis]
      for row in 0..<n { out.direction[row * g.dimension + axis] = r.direction[row * r.dimension + axis] }
    }
    return out
  }
}
