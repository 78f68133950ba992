import Foundation
import HarmonizeVolume

/// Resampling from file to file: what `harmonize resample` runs, callable from any Swift code.
public enum FileResampler {
  /// The grid `resample` would produce for an input header, from the header alone: reorientation first (when
  /// `orientation` is given), then the request. Geometry in LPS millimetres.
  /// - Throws: `ResampleError` for an invalid request or orientation code.
  public static func plan(_ header: ImageHeader, request: ResampleRequest, orientation: String? = nil) throws -> GridPlan {
    var header = header
    if let orientation {
      header.geometry = Reorientation.geometry(header.geometry, try Reorientation.plan(header.geometry, to: orientation))
    }
    return try GridPlanner.plan(header, request)
  }

  /// What a finished resample did.
  public struct Report: Sendable {
    public var input: ImageHeader
    /// The input's header as stored, before any reorientation: the geometry `restore` maps back onto.
    public var source: ImageHeader
    public var plan: GridPlan
    /// Wall-clock seconds for read, resample and write.
    public var seconds: (read: Double, resample: Double, write: Double)
    /// The output was computed and written in slabs of whole planes, never held whole.
    public var streamed: Bool
  }

  /// Whether outputs are produced in slabs: `.automatic` streams when the output pixels exceed
  /// `streamingThreshold` and the case allows it (a single-component `.nii.gz` output, no B-spline, a 3D input).
  public enum Streaming: Sendable, Equatable {
    case automatic
    case never
    /// Always when the case allows it, with slabs of about this many bytes (tests use small slabs).
    case always(slabBytes: Int)
  }

  /// Outputs above this many bytes stream under `.automatic`.
  public static let streamingThreshold = 256 << 20
  /// Bytes per slab under `.automatic`.
  public static let slabBytes = 32 << 20

  /// Whether a case can be streamed: single-component `.nii.gz` output, not B-spline, no fourth axis.
  public static func canStream(output: String, plan: GridPlan, interpolation: Interpolation) -> Bool {
    let header = ImageHeader(format: "", geometry: plan.geometry, pixelType: plan.pixelType, components: plan.components)
    return ImageFile.canStream(header, to: output) && interpolation != .bspline
      && (plan.geometry.dimension == 3 || (plan.geometry.dimension == 4 && plan.geometry.size[3] == 1))
  }

  /// The slab size in bytes a case streams with, or nil when it is written whole. A streamed output must still fit
  /// on disk: its uncompressed size is the bound (deflate may not shrink it).
  public static func streamingSlabBytes(output: String, plan: GridPlan, interpolation: Interpolation,
                                        streaming: Streaming = .automatic) -> Int? {
    guard canStream(output: output, plan: plan, interpolation: interpolation),
          (plan.outputBytes ?? Int.max) <= freeBytes(inFolderOf: output) else { return nil }
    switch streaming {
    case .never: return nil
    case .always(let bytes): return bytes
    case .automatic: return (plan.outputBytes ?? Int.max) > streamingThreshold ? slabBytes : nil
    }
  }

  /// Reads `input`, reorients it losslessly to `orientation` (RAS+ letters) when given, resamples it as `request`
  /// says, and writes `output` atomically. `adjust` may change the request once the pixels are read (the batch
  /// runner picks label interpolation for an integer image with few distinct values); the grid stays as planned.
  /// - Throws: `ImageFileError` (read or write) or `ResampleError` (request); no output file is left on failure.
  public static func resample(input: String, output: String, request: ResampleRequest, orientation: String? = nil,
                              writeOptions: WriteOptions = WriteOptions(), streaming: Streaming = .automatic,
                              adjust: ((Volume, inout ResampleRequest) -> Void)? = nil) throws -> Report {
    var request = request
    try ImageFile.checkWritable(output)
    let clock = ContinuousClock()
    let t0 = clock.now
    var header = try ImageFile.readHeader(at: input)
    let source = header
    let reorientation = try orientation.map { try Reorientation.plan(header.geometry, to: $0) }
    if let reorientation { header.geometry = Reorientation.geometry(header.geometry, reorientation) }
    let plan = try GridPlanner.plan(header, request)
    // Refuse a grid that cannot fit before reading anything: input, output (or one slab) and B-spline coefficients.
    let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
    let coefficients = request.interpolation == .bspline ? (header.geometry.voxelCount ?? Int.max) * 8 : 0
    let slabBytes = streamingSlabBytes(output: output, plan: plan, interpolation: request.interpolation, streaming: streaming)
    let (needed, overflow) = (header.pixelByteCount ?? Int.max).addingReportingOverflow(slabBytes ?? plan.outputBytes ?? Int.max)
    if overflow || needed > memory - coefficients {
      throw ResampleError(.tooLarge("the output grid \(plan.geometry.size.map(String.init).joined(separator: " x ")) needs "
        + "\(plan.outputBytes.map(formatBytes) ?? "more than 64 bits can count"), more than this machine's \(formatBytes(memory)) "
        + "with the input\(canStream(output: output, plan: plan, interpolation: request.interpolation) ? " (and more than the \(formatBytes(freeBytes(inFolderOf: output))) free on disk to stream it)" : "")"
        + "; use --max-size or --max-voxels"))
    }
    var volume = try ImageFile.read(at: input)
    adjust?(volume, &request)
    if let reorientation, !reorientation.isIdentity { volume = try Reorientation.apply(reorientation, to: volume) }
    let t1 = clock.now
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    if let slabBytes, request.interpolation != .bspline {
      let (resampleSeconds, writeSeconds) = try writeSlabs(volume, plan: plan, request: request, output: output,
                                                          slabBytes: slabBytes, writeOptions: writeOptions)
      return Report(input: header, source: source, plan: plan, seconds: (seconds(t1 - t0), resampleSeconds, writeSeconds), streamed: true)
    }
    let result = try Resampler.resample(volume, to: plan, request: request)
    let t2 = clock.now
    try ImageFile.write(result, to: output, options: writeOptions)
    let t3 = clock.now
    return Report(input: header, source: source, plan: plan, seconds: (seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2)),
                  streamed: false)
  }

  /// Computes and writes the output slab by slab (whole k-planes): one slab buffer instead of the whole output.
  static func writeSlabs(_ volume: Volume, plan: GridPlan, request: ResampleRequest, output: String, slabBytes: Int,
                         writeOptions: WriteOptions) throws -> (resample: Double, write: Double) {
    let header = ImageHeader(format: "", geometry: plan.geometry, pixelType: plan.pixelType, components: plan.components)
    let planeBytes = plan.geometry.size[0] * plan.geometry.size[1] * plan.components * plan.pixelType.byteCount
    let depth = plan.geometry.size[2]
    let planesPerSlab = max(1, min(depth, slabBytes / max(1, planeBytes)))
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: planesPerSlab * planeBytes, alignment: 64)
    defer { buffer.deallocate() }
    let clock = ContinuousClock()
    var resampling = Duration.zero, writing = Duration.zero
    try ImageFile.writeStreaming(header: header, to: output, options: writeOptions) { append in
      var k = 0
      while k < depth {
        let slices = k..<min(depth, k + planesPerSlab)
        let slab = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(slices.count * planeBytes)])
        let t0 = clock.now
        try Resampler.resample(volume, to: plan, request: request, slices: slices, into: slab)
        let t1 = clock.now
        try append(UnsafeRawBufferPointer(slab))
        writing += clock.now - t1
        resampling += t1 - t0
        k = slices.upperBound
      }
    }
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    return (seconds(resampling), seconds(writing))
  }

  /// Free bytes for an unprivileged writer on the filesystem of `path`'s folder (Int.max when unknown).
  static func freeBytes(inFolderOf path: String) -> Int {
    var info = statvfs()
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard statvfs(folder, &info) == 0 else { return Int.max }
    let (bytes, overflow) = Int(info.f_bavail).multipliedReportingOverflow(by: Int(info.f_frsize))
    return overflow ? Int.max : bytes
  }
}
