import Foundation
import HarmonizeVolume

/// Resampling from file to file: what `harmonize resample` runs, callable from any Swift code.
public enum FileResampler {
  /// The grid `resample` would produce for an input header, from the header alone: reorientation first (when
  /// `orientation` is given), then the request. Geometry in LPS millimetres.
  /// - Throws: `ResampleError` for an invalid request or orientation code.
  public static func plan(
    _ header: ImageHeader, request: ResampleRequest, orientation: String? = nil
  ) throws -> GridPlan {
    var header = header
    if let orientation {
      header.geometry = Reorientation.geometry(
        header.geometry, try Reorientation.plan(header.geometry, to: orientation))
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
    /// The input was read a window of z-planes at a time, never held whole.
    public var inputStreamed: Bool
    /// How the pixels were held and why a side was not streamed (`StreamingLayout.notes`).
    public var notes: [String]
  }

  /// Whether pixels stream: `.automatic` streams the output when its pixels exceed `outputStreamingThreshold` and the
  /// input when its pixels exceed `inputStreamingThreshold`, where the case allows it (`layout` says when).
  public enum Streaming: Sendable, Equatable {
    case automatic
    case never
    /// Always when the case allows it, with slabs of about this many bytes (tests use small slabs).
    case always(slabBytes: Int)
  }

  /// Outputs above this many bytes stream under `.automatic`. Lower would cost speed: at 64 MiB, W1's 183 MiB output
  /// resampled in 0.19 s instead of 0.07 s (slab edges and per-slab thread start-up), for 234 MiB peak instead of 371.
  public static let outputStreamingThreshold = 256 << 20
  /// Inputs above this many bytes stream under `.automatic`. Lower would cost speed: a whole single-member `.nii.gz`
  /// inflates with libdeflate at about 1.6x the streaming inflater's rate.
  public static let inputStreamingThreshold = 256 << 20
  /// Bytes per slab under `.automatic`.
  public static let slabBytes = 32 << 20

  /// Whether a case can be streamed: single-component `.nii.gz` output, not B-spline, no fourth axis.
  public static func canStream(output: String, plan: GridPlan, interpolation: Interpolation) -> Bool {
    return ImageFile.canStream(plan.header, to: output) && !interpolation.needsWholeInput
      && (plan.geometry.dimension == 3 || (plan.geometry.dimension == 4 && plan.geometry.size[3] == 1))
  }

  /// Reads `input`, reorients it losslessly to `orientation` (RAS+ letters) when given, resamples it as `request`
  /// says, and writes `output` atomically. `adjust` may change the request once the pixels are read (the batch
  /// runner picks label interpolation for an integer image with few distinct values); the grid stays as planned.
  ///
  /// Large cases stream (see `layout`): the input is read a window of z-planes at a time and the output computed and
  /// written in slabs, with the same voxels as the whole-volume path. The input's last CRC is checked before the
  /// output is renamed into place. With `sidecarTool` ("harmonize 0.1.0"), `OUTPUT.harmonize.json` is written with the
  /// output, atomically together.
  /// - Throws: `ImageFileError` (read or write) or `ResampleError` (request); no output file is left on failure.
  public static func resample(
    input: String, output: String, request: ResampleRequest, orientation: String? = nil,
    writeOptions: WriteOptions = WriteOptions(), streaming: Streaming = .automatic,
    sidecarTool: String? = nil,
    adjust: ((Volume, inout ResampleRequest) -> Void)? = nil
  ) throws -> Report {
    do {
      return try resampleFile(
        input: input, output: output, request: request, orientation: orientation, writeOptions: writeOptions,
        streaming: streaming, sidecarTool: sidecarTool, adjust: adjust)
    } catch let error as ResampleError {
      throw error.at(input)
    }
  }

  private static func resampleFile(
    input: String, output: String, request: ResampleRequest, orientation: String?,
    writeOptions: WriteOptions, streaming: Streaming, sidecarTool: String?,
    adjust: ((Volume, inout ResampleRequest) -> Void)?
  ) throws -> Report {
    var request = request
    var writeOptions = writeOptions
    try ImageFile.checkWritable(output, inputs: [input])
    let clock = ContinuousClock()
    let t0 = clock.now
    var header = try ImageFile.readHeader(at: input)
    let source = header
    let reorientation = try orientation.map { try Reorientation.plan(header.geometry, to: $0) }
    if let reorientation { header.geometry = Reorientation.geometry(header.geometry, reorientation) }
    let plan = try GridPlanner.plan(header, request)
    if let sidecarTool {
      // The sidecar lands with the image or not at all (a companion of the atomic write).
      let sidecar = Sidecar(
        tool: sidecarTool, source: input, sourceHeader: source, outputGeometry: plan.geometry,
        parameters: Sidecar.parameters(request, orientation: orientation))
      writeOptions.companions[Sidecar.suffix] = sidecar.jsonData()
    }
    let layout = self.layout(
      inputPath: input, header: source, orientation: orientation, output: output,
      plan: plan, request: request, streaming: streaming, decidesAfterReading: adjust != nil)
    // Refuse a grid that cannot fit before reading anything.
    try checkFits(layout, plan: plan, output: output, request: request)
    var notes = layout.notes
    var window: PlaneWindow?
    var volume: Volume?
    if layout.streamsInput {
      if let reader = try PlaneReader.open(at: input, header: source) {
        window = PlaneWindow(reader: reader, capacity: layout.windowPlanes)
      } else {
        notes.append("input read whole after all: the file needs ITK's conversions")
      }
    }
    if window == nil {
      var whole = try ImageFile.read(at: input)
      adjust?(whole, &request)
      if let reorientation, !reorientation.isIdentity { whole = try Reorientation.apply(reorientation, to: whole) }
      volume = whole
    }
    let t1 = clock.now
    let readSeconds = seconds(t1 - t0)
    if !layout.streamsOutput && window == nil, let volume {
      let result = try Resampler.resample(volume, to: plan, request: request)
      let t2 = clock.now
      try ImageFile.write(result, to: output, options: writeOptions)
      return Report(
        input: header, source: source, plan: plan, seconds: (readSeconds, seconds(t2 - t1), seconds(clock.now - t2)),
        streamed: false, inputStreamed: false, notes: notes)
    }
    // A window reads the stored file, so its planes are the stored header's (it only exists when no axes move).
    let slabber = Slabber(header: source, plan: plan, request: request, layout: layout, volume: volume, window: window)
    if layout.streamsOutput {
      try ImageFile.writeStreaming(header: plan.header, to: output, options: writeOptions) { append in
        try slabber.run { _, slab in
          let t = clock.now
          try append(slab)
          slabber.writeSeconds += seconds(clock.now - t)
        }
      }
    } else {
      // Input streamed, output whole: slabs are computed straight into the output volume.
      let result = try slabber.runIntoVolume()
      let t = clock.now
      try ImageFile.write(result, to: output, options: writeOptions)
      slabber.writeSeconds += seconds(clock.now - t)
    }
    let inputSeconds = window?.readSeconds ?? 0
    return Report(
      input: header, source: source, plan: plan,
      seconds: (readSeconds + inputSeconds, slabber.computeSeconds - inputSeconds, slabber.writeSeconds),
      streamed: layout.streamsOutput, inputStreamed: window != nil, notes: notes)
  }

  /// Refuses a resample whose pixels and working memory (`layout.memoryBytes`: the input or its window, the output or
  /// one slab, B-spline coefficients, nnU-Net's float64 passes) exceed this machine's memory, before any of it is
  /// allocated: Swift arrays abort rather than fail when memory is refused.
  static func checkFits(
    _ layout: StreamingLayout, plan: GridPlan, output: String, request: ResampleRequest
  ) throws(ResampleError) {
    let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
    guard layout.memoryBytes > memory else { return }
    throw ResampleError(
      .tooLarge(
        "the output grid \(plan.geometry.size.map(String.init).joined(separator: " x ")) needs "
          + "\(plan.outputBytes.map(formatBytes) ?? "more than 64 bits can count"), more than this machine's \(formatBytes(memory)) "
          + "with the input\(canStream(output: output, plan: plan, interpolation: request.interpolation) ? " (and more than the \(formatBytes(freeBytes(inFolderOf: output))) free on disk to stream it)" : "")"
          + "; use --max-size or --max-voxels"))
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
