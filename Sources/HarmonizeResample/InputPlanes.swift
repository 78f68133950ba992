import HarmonizeVolume

/// Which input z-planes each output z-plane reads, for input streaming: an output slab needs only the union of its
/// planes' ranges, so the input can be read forward a window at a time.
///
/// Known only for separable maps (output axes parallel to the input's: every resample to a spacing on an
/// axis-aligned grid), where output plane k samples one continuous input z for all its voxels. The ranges come from the
/// kernels' own `AxisSample` (same inside test, snapping and clamping), so a window holding them gives the same values
/// as the whole volume. Oblique grids, B-spline and 4D inputs have no plan (nil): their input is read whole.
public struct InputPlanes: Sendable {
  /// Input planes read by output plane k (empty where k lies outside the input).
  public let perOutputPlane: [Range<Int>]

  /// The plan for resampling an input with `input`'s geometry onto `plan` with `request`, or nil when the input must be
  /// held whole (not separable, B-spline, 4D, or an input z that runs backwards along the output).
  public init?(input: Geometry, plan: GridPlan, request: ResampleRequest) {
    guard !request.interpolation.needsWholeInput,
      input.dimension <= 3 || input.size.dropFirst(3).allSatisfy({ $0 == 1 })
    else {
      return nil
    }
    let map = CoordinateMap(
      input: input, output: plan.geometry, sampling: plan.sampling, exactITK: request.sitkCompatible)
    guard case .separable(_, _, let zs) = map.kind else { return nil }
    let job = Job(geometry: input, components: 1, map: map, request: request)
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(zs.count)
    var last = 0..<0
    for c in zs {
      let s = AxisSample(c, size: job.input.size.z, stride: 1, halfOpen: job.halfOpen, snap: !request.sitkCompatible)
      let range = s.inside ? min(s.lower, s.nearest)..<(max(s.upper, s.nearest) + 1) : 0..<0
      // Forward only: each non-empty range must start and end no earlier than the one before.
      if !range.isEmpty && !last.isEmpty && (range.lowerBound < last.lowerBound || range.upperBound < last.upperBound) {
        return nil
      }
      if !range.isEmpty { last = range }
      ranges.append(range)
    }
    perOutputPlane = ranges
  }

  /// The input planes output planes `slices` read together (empty when none).
  public func needed(for slices: Range<Int>) -> Range<Int> {
    var low = Int.max, high = Int.min
    for k in slices where !perOutputPlane[k].isEmpty {
      low = min(low, perOutputPlane[k].lowerBound)
      high = max(high, perOutputPlane[k].upperBound)
    }
    return low < high ? low..<high : 0..<0
  }

  /// Output slabs (consecutive k-ranges covering every output plane) whose output and input window each stay within
  /// `budget` bytes where one plane allows; with the largest window, in planes, any of them needs.
  public func slabs(
    outputPlaneBytes: Int, inputPlaneBytes: Int, budget: Int
  ) -> (slabs: [Range<Int>], windowPlanes: Int) {
    var slabs: [Range<Int>] = []
    var window = 0
    var start = 0
    while start < perOutputPlane.count {
      var input = perOutputPlane[start]
      var end = start + 1
      while end < perOutputPlane.count, (end + 1 - start) * outputPlaneBytes <= budget {
        let next = perOutputPlane[end]
        let grown =
          next.isEmpty
          ? input
          : input.isEmpty ? next : min(input.lowerBound, next.lowerBound)..<max(input.upperBound, next.upperBound)
        guard grown.count * inputPlaneBytes <= budget else { break }
        input = grown
        end += 1
      }
      slabs.append(start..<end)
      window = max(window, input.count)
      start = end
    }
    return (slabs, window)
  }
}
