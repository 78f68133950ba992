import Foundation
import HarmonizeVolume

/// How one resample holds its pixels, decided from headers alone: the input whole or a sliding window of z-planes,
/// the output whole or in slabs of whole planes, and why a side is not streamed (what `--verbose` prints).
/// `FileResampler` follows it, and the batch scheduler reserves `memoryBytes` for the case.
public struct StreamingLayout: Sendable {
  /// Input planes per output plane when the input is read a window at a time; nil when it is read whole.
  public var inputPlanes: InputPlanes?
  /// Input planes the window holds at most (0 when the input is read whole).
  public var windowPlanes: Int
  /// Bytes of the largest output slab when the output is written in slabs; nil when it is written whole.
  public var outputSlabBytes: Int?
  /// The output z-ranges computed one after another (one range covering every plane when nothing streams).
  public var slabs: [Range<Int>]
  /// Pixel memory the case needs: the input (or its window) plus the output (or one slab) plus the interpolation's
  /// working memory (B-spline coefficients, nnU-Net's float64 passes: `Interpolation.workingBytes`). The refusal check in
  /// `FileResampler.resample` and the batch scheduler's reservation both use this one number.
  public var memoryBytes: Int
  /// One line per side that is not streamed, saying why; and what is streamed, with its sizes.
  public var notes: [String]

  public var streamsInput: Bool { inputPlanes != nil }
  public var streamsOutput: Bool { outputSlabBytes != nil }
}

extension FileResampler {
  /// The layout for resampling `inputPath` (stored header `header`) onto `plan`, after reorienting it to `orientation`
  /// (RAS+ letters) when given; `decidesAfterReading` when the request is adjusted from the pixels. A reorientation
  /// that changes the axes, and such an adjustment, both need the whole input.
  public static func layout(
    inputPath: String, header: ImageHeader, orientation: String? = nil, output: String, plan: GridPlan,
    request: ResampleRequest, streaming: Streaming = .automatic,
    decidesAfterReading: Bool = false
  ) -> StreamingLayout {
    let budget: Int
    switch streaming {
    case .always(let bytes): budget = max(1, bytes)
    default: budget = slabBytes
    }
    var notes: [String] = []
    // An invalid code has already been refused by whoever planned the grid; here it just means "not the stored axes".
    let reoriented =
      orientation.map { code in (try? Reorientation.plan(header.geometry, to: code))?.isIdentity != true } ?? false
    let inputBytes = header.pixelByteCount ?? Int.max
    let outputBytes = plan.outputBytes ?? Int.max

    // Output side.
    var outputStreams = false
    if streaming == .never {
      notes.append("output written whole: streaming is off")
    } else if !canStream(output: output, plan: plan, interpolation: request.interpolation) {
      notes.append("output written whole: slabs need a single-component .nii.gz output, a 3D grid and no B-spline")
    } else if outputBytes > freeBytes(inFolderOf: output) {
      notes.append(
        "output written whole: its \(formatBytes(outputBytes)) would not fit in the \(formatBytes(freeBytes(inFolderOf: output))) free on disk"
      )
    } else if streaming == .automatic && outputBytes <= outputStreamingThreshold {
      notes.append(
        "output written whole: \(formatBytes(outputBytes)) is within the \(formatBytes(outputStreamingThreshold)) streaming threshold"
      )
    } else {
      outputStreams = true
    }

    // Input side.
    var planes: InputPlanes?
    if streaming == .never {
      notes.append("input read whole: streaming is off")
    } else if streaming == .automatic && inputBytes <= inputStreamingThreshold {
      notes.append(
        "input read whole: \(formatBytes(inputBytes)) is within the \(formatBytes(inputStreamingThreshold)) streaming threshold"
      )
    } else if reoriented {
      notes.append("input read whole: reorientation needs the whole volume")
    } else if decidesAfterReading {
      notes.append("input read whole: whether it is a label map is decided from all its values")
    } else if !PlaneReader.canStream(at: inputPath, header: header) {
      notes.append("input read whole: plane reading needs a single-file NIfTI-1 of one unscaled component")
    } else if let p = InputPlanes(input: header.geometry, plan: plan, request: request) {
      planes = p
    } else {
      notes.append(
        "input read whole: the output grid is not axis-aligned with the input, or B-spline needs every plane")
    }

    let outputPlaneBytes = plan.header.planeByteCount
    let inputPlaneBytes = header.planeByteCount
    let depth = plan.header.planeCount
    var slabs = [0..<depth]
    var window = 0
    if let planes {
      (slabs, window) = planes.slabs(
        outputPlaneBytes: outputPlaneBytes, inputPlaneBytes: inputPlaneBytes, budget: budget)
    } else if outputStreams {
      let perSlab = max(1, min(depth, budget / max(1, outputPlaneBytes)))
      slabs = stride(from: 0, to: depth, by: perSlab).map { $0..<min(depth, $0 + perSlab) }
    }
    let largestSlab = (slabs.map(\.count).max() ?? 1) * outputPlaneBytes
    if planes != nil {
      notes.append("input read in windows of up to \(window) planes (\(formatBytes(window * inputPlaneBytes)))")
    }
    if outputStreams { notes.append("output written in \(slabs.count) slabs of up to \(formatBytes(largestSlab))") }
    let inputMemory = planes != nil ? window * inputPlaneBytes + (1 << 20) : inputBytes
    let outputMemory = outputStreams ? largestSlab : outputBytes
    let (pixels, overflow) = inputMemory.addingReportingOverflow(outputMemory)
    let working = request.interpolation.workingBytes(
      input: header, plan: plan, threads: request.threads ?? ProcessInfo.processInfo.activeProcessorCount,
      sitkCompatible: request.sitkCompatible)
    let (memory, sumOverflow) = pixels.addingReportingOverflow(working)
    return StreamingLayout(
      inputPlanes: planes, windowPlanes: window, outputSlabBytes: outputStreams ? largestSlab : nil,
      slabs: slabs, memoryBytes: overflow || sumOverflow ? Int.max : memory, notes: notes)
  }
}
