import HarmonizeVolume

/// Computes an output slab by slab (the k-ranges of a `StreamingLayout`) from a whole input volume or from a window of
/// input planes that slides forward with the slabs; `FileResampler` writes each slab or fills a whole output with them.
final class Slabber {
  let inputHeader: ImageHeader
  let plan: GridPlan
  let request: ResampleRequest
  let layout: StreamingLayout
  let volume: Volume?
  let window: PlaneWindow?
  /// Seconds computing slabs, including the window's reads.
  var computeSeconds = 0.0
  /// Seconds the caller spent writing (it adds them).
  var writeSeconds = 0.0
  let outputPlaneBytes: Int

  /// Takes its input from `window` when given, else from `volume`.
  init(
    header: ImageHeader, plan: GridPlan, request: ResampleRequest, layout: StreamingLayout, volume: Volume?,
    window: PlaneWindow?
  ) {
    inputHeader = header
    self.plan = plan
    self.request = request
    self.layout = layout
    self.volume = volume
    self.window = window
    outputPlaneBytes = plan.header.planeByteCount
  }

  /// Computes every slab in order into one slab buffer and hands it to `emit`; then checks the input's end.
  func run(_ emit: (Range<Int>, UnsafeRawBufferPointer) throws -> Void) throws {
    let largest = (layout.slabs.map(\.count).max() ?? 1) * outputPlaneBytes
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(largest, 1), alignment: 64)
    defer { buffer.deallocate() }
    for slices in layout.slabs {
      let slab = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(slices.count * outputPlaneBytes)])
      try compute(slices, into: slab)
      try emit(slices, UnsafeRawBufferPointer(slab))
    }
    try window?.finish()
  }

  /// Computes every slab straight into a whole output volume; then checks the input's end.
  func runIntoVolume() throws -> Volume {
    var output: Volume
    do {
      output = try Volume(geometry: plan.geometry, pixelType: plan.pixelType, components: plan.components)
    } catch {
      throw ResampleError(
        .tooLarge("output grid \(plan.geometry.size.map(String.init).joined(separator: " x ")): \(error)"))
    }
    try output.withUnsafeMutableBytes { bytes in
      for slices in layout.slabs {
        let range = (slices.lowerBound * outputPlaneBytes)..<(slices.upperBound * outputPlaneBytes)
        try compute(slices, into: UnsafeMutableRawBufferPointer(rebasing: bytes[range]))
      }
    }
    try window?.finish()
    return output
  }

  private func compute(_ slices: Range<Int>, into slab: UnsafeMutableRawBufferPointer) throws {
    let start = ContinuousClock.now
    defer { computeSeconds += seconds(ContinuousClock.now - start) }
    if let window, let planes = layout.inputPlanes {
      try window.slide(to: planes.needed(for: slices))
      try Resampler.resample(
        window: window.bytes, planes: window.planes, of: inputHeader, to: plan, request: request,
        slices: slices, into: slab)
    } else if let volume {
      try Resampler.resample(volume, to: plan, request: request, slices: slices, into: slab)
    } else {
      throw ResampleError(.invalidRequest("no input to resample"))
    }
  }
}
