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
  }

  /// Reads `input`, reorients it losslessly to `orientation` (RAS+ letters) when given, resamples it as `request`
  /// says, and writes `output` atomically. `adjust` may change the request once the pixels are read (the batch
  /// runner picks label interpolation for an integer image with few distinct values); the grid stays as planned.
  /// - Throws: `ImageFileError` (read or write) or `ResampleError` (request); no output file is left on failure.
  public static func resample(input: String, output: String, request: ResampleRequest, orientation: String? = nil,
                              writeOptions: WriteOptions = WriteOptions(),
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
    // Refuse a grid that cannot fit before reading anything: input, output and (B-spline) coefficients.
    let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
    let coefficients = request.interpolation == .bspline ? (header.geometry.voxelCount ?? Int.max) * 8 : 0
    let (needed, overflow) = (header.pixelByteCount ?? Int.max).addingReportingOverflow(plan.outputBytes ?? Int.max)
    if overflow || needed > memory - coefficients {
      throw ResampleError(.tooLarge("the output grid \(plan.geometry.size.map(String.init).joined(separator: " x ")) needs "
        + "\(plan.outputBytes.map(formatBytes) ?? "more than 64 bits can count"), more than this machine's \(formatBytes(memory)) "
        + "with the input; use --max-size or --max-voxels"))
    }
    var volume = try ImageFile.read(at: input)
    adjust?(volume, &request)
    if let reorientation, !reorientation.isIdentity { volume = try Reorientation.apply(reorientation, to: volume) }
    let t1 = clock.now
    let result = try Resampler.resample(volume, to: plan, request: request)
    let t2 = clock.now
    try ImageFile.write(result, to: output, options: writeOptions)
    let t3 = clock.now
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    return Report(input: header, source: source, plan: plan, seconds: (seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2)))
  }
}
