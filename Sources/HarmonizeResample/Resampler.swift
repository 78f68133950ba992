import Foundation
import HarmonizeVolume

/// Resamples a volume onto a planned grid. Every pixel type, 2D, 3D and 4D (each time point on the same grid),
/// multi-component (each component on the same grid). No ITK filter is involved: ITK reads and writes files only.
///
/// Memory: the input, the output, and per thread a few rows of samples; B-spline adds one double per input value.
public enum Resampler {
  /// Plans the grid for `volume` and resamples it.
  public static func resample(_ volume: Volume, _ request: ResampleRequest) throws(ResampleError) -> (Volume, GridPlan)
  {
    let plan = try GridPlanner.plan(volume.header(), request)
    return (try resample(volume, to: plan, request: request), plan)
  }

  /// Resamples `volume` onto `plan`'s grid with `request`'s interpolation, default value and cast.
  public static func resample(
    _ volume: Volume, to plan: GridPlan, request: ResampleRequest
  ) throws(ResampleError) -> Volume {
    if request.interpolation.isNNUNet { return try resampleAsNNUNet(volume, to: plan, request: request) }
    var output: Volume
    do {
      output = try Volume(geometry: plan.geometry, pixelType: plan.pixelType, components: volume.components)
    } catch {
      throw ResampleError(.tooLarge("output grid \(formatList(plan.geometry.size)): \(error)"))
    }
    let map = CoordinateMap(
      input: volume.geometry, output: plan.geometry, sampling: plan.sampling, exactITK: request.sitkCompatible)
    let job = Job(geometry: volume.geometry, components: volume.components, map: map, request: request)
    var failure: ResampleError?
    output.withUnsafeMutableBytes { (outBytes: UnsafeMutableRawBufferPointer) in
      volume.withUnsafeBytes { (inBytes: UnsafeRawBufferPointer) in
        do throws(ResampleError) { try run(job, inBytes, volume.pixelType, plan, into: outBytes) } catch {
          failure = error
        }
      }
    }
    if let failure { throw failure }
    return output
  }

  /// nnU-Net's own resampling of the whole volume onto `plan` (nnU-Net's grid); the separate axis from the input's
  /// and the requested spacing, as nnU-Net decides it.
  static func resampleAsNNUNet(
    _ volume: Volume, to plan: GridPlan, request: ResampleRequest
  ) throws(ResampleError) -> Volume {
    let spatial = min(volume.geometry.dimension, 3)
    let current = Array(volume.geometry.spacing.prefix(spatial))
    let target = plan.requestedSpacing ?? Array(plan.geometry.spacing.prefix(spatial))
    let axis = NNUNetResampling.separateAxis(current: current, target: target)
    let threads = request.threads ?? ProcessInfo.processInfo.activeProcessorCount
    var output =
      request.interpolation == .nnunet
      ? try NNUNetResampling.resampleImage(volume, onto: plan.geometry, separateAxis: axis, threads: threads)
      : try NNUNetResampling.resampleLabels(
        volume, onto: plan.geometry, separateAxis: axis, numpyAxes: request.nnunetAxes, threads: threads)
    if output.pixelType != plan.pixelType {
      // An explicit --output-type: nnU-Net's values cast as every other output is (`ResamplePixel.cast`).
      do {
        output = try dispatch(output.pixelType, plan.pixelType, CastKernel(source: output, rule: request.integerCast))
      } catch { throw ResampleError(.tooLarge("output grid \(formatList(plan.geometry.size)): \(error)")) }
    }
    return output
  }

  /// Computes output k-planes `slices` of `plan` into `slab` (whole planes, the first at offset 0): the same
  /// values as those planes of `resample(_:to:request:)`, for writing an output larger than memory in slabs.
  /// Not for B-spline (its coefficients span the volume) or 4D inputs.
  public static func resample(
    _ volume: Volume, to plan: GridPlan, request: ResampleRequest, slices: Range<Int>,
    into slab: UnsafeMutableRawBufferPointer
  ) throws(ResampleError) {
    var failure: ResampleError?
    volume.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
      do throws(ResampleError) {
        try resample(
          window: bytes, planes: 0..<Space3(volume.geometry).size.z, of: volume.header(), to: plan, request: request,
          slices: slices, into: slab)
      } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// As `resample(_:to:request:slices:into:)`, from only the input z-planes `planes` of an image with header `input`
  /// (`window` holds them, plane `planes.lowerBound` first): input streaming. `planes` must contain
  /// `InputPlanes.needed(for: slices)`; the values are those of the whole-volume path, bit for bit.
  public static func resample(
    window: UnsafeRawBufferPointer, planes: Range<Int>, of input: ImageHeader, to plan: GridPlan,
    request: ResampleRequest, slices: Range<Int>,
    into slab: UnsafeMutableRawBufferPointer
  ) throws(ResampleError) {
    let map = CoordinateMap(
      input: input.geometry, output: plan.geometry, sampling: plan.sampling, exactITK: request.sitkCompatible)
    var job = Job(geometry: input.geometry, components: input.components, map: map, request: request)
    let planeBytes = input.planeByteCount
    guard !request.interpolation.needsWholeInput, job.timePoints == 1, slices.lowerBound >= 0,
      slices.upperBound <= map.outputSize.z,
      slab.count == slices.count * map.outputSize.x * map.outputSize.y * input.components * plan.pixelType.byteCount
    else {
      throw ResampleError(
        .invalidRequest("a slab needs linear, nearest or label interpolation, a 3D input and a buffer of whole planes"))
    }
    guard planes.lowerBound >= 0, planes.upperBound <= job.input.size.z, window.count >= planes.count * planeBytes,
      let base = window.baseAddress ?? (planes.isEmpty ? UnsafeRawPointer(bitPattern: 64) : nil)
    else {
      throw ResampleError(.invalidRequest("the input window does not hold the planes it names"))
    }
    job.slices = slices
    // Kernels index the whole volume; the window stands in for it, shifted so that plane z sits at z · planeBytes.
    // Only planes inside `planes` are touched (InputPlanes computes them with the kernels' own AxisSample).
    let volume = UnsafeRawBufferPointer(
      start: base - planes.lowerBound * planeBytes, count: job.input.size.z * planeBytes)
    try run(job, volume, input.pixelType, plan, into: slab)
  }

  /// Runs `job` over `input` (pixels of type `inputType`) into `output` with the kernel for the pixel types; every
  /// failure becomes a `ResampleError`.
  private static func run(
    _ job: Job, _ input: UnsafeRawBufferPointer, _ inputType: PixelType, _ plan: GridPlan,
    into output: UnsafeMutableRawBufferPointer
  ) throws(ResampleError) {
    do {
      try dispatch(inputType, plan.pixelType, JobRunner(job: job, input: input, output: output))
    } catch let error as ResampleError {
      throw error
    } catch {
      throw ResampleError(.tooLarge("\(error)"))
    }
  }
}

/// Everything a resample needs except the buffers' types. Immutable once made, so the worker threads share it.
struct Job: @unchecked Sendable {
  let input: Space3
  let timePoints: Int
  let components: Int
  let map: CoordinateMap
  let request: ResampleRequest
  let inputValuesPerTimePoint: Int
  let outputValuesPerTimePoint: Int
  /// ITK's half-open inside test (SimpleITK mode and the sitk grid), else closed.
  let halfOpen: Bool
  let threads: Int
  /// The output k-planes to compute; the output buffer starts at the first of them (a slab when streaming).
  var slices: Range<Int>

  init(geometry: Geometry, components: Int, map: CoordinateMap, request: ResampleRequest) {
    input = Space3(geometry)
    timePoints = geometry.dimension == 4 ? geometry.size[3] : 1
    self.components = components
    self.map = map
    self.request = request
    inputValuesPerTimePoint = input.size.x * input.size.y * input.size.z * components
    outputValuesPerTimePoint = map.outputSize.x * map.outputSize.y * map.outputSize.z * components
    halfOpen = request.sitkCompatible || request.grid == .sitk
    threads = max(1, request.threads ?? ProcessInfo.processInfo.activeProcessorCount)
    slices = 0..<map.outputSize.z
  }

  /// Buffer strides of the input's x, y and z axes, in values.
  var strides: SIMD3<Int> { SIMD3(components, components * input.size.x, components * input.size.x * input.size.y) }

  func sample(_ c: Double, axis: Int) -> AxisSample {
    AxisSample(c, size: input.size[axis], stride: strides[axis], halfOpen: halfOpen, snap: !request.sitkCompatible)
  }

  /// For a separable map, its samples along x, y and z: one table per axis, shared by every row; nil otherwise.
  func separableSamples() -> (x: [AxisSample], y: [AxisSample], z: [AxisSample])? {
    guard case .separable(let x, let y, let z) = map.kind else { return nil }
    return (x.map { sample($0, axis: 0) }, y.map { sample($0, axis: 1) }, z.map { sample($0, axis: 2) })
  }

  /// Runs `body` over output rows `r = k · height + j`, split into contiguous chunks over the threads.
  func forEachRowChunk(_ body: @Sendable (Range<Int>) -> Void) {
    forEachChunk(of: map.outputSize.y * slices.count, threads: threads, chunksPerThread: 8, body)
  }
}

/// Wraps values that are safe to share across worker threads because each thread writes disjoint rows.
struct Shared<T>: @unchecked Sendable {
  let value: T
}

/// Runs a job for concrete pixel types: splits output rows over threads and fills each row with the kernel.
struct JobRunner: PixelTypeKernel {
  let job: Job
  let input: UnsafeRawBufferPointer
  let output: UnsafeMutableRawBufferPointer

  func run<In: ResamplePixel, Out: ResamplePixel>(_ inType: In.Type, _ outType: Out.Type) throws {
    let source = UnsafePointer(input.bindMemory(to: In.self).baseAddress!)
    let target = output.bindMemory(to: Out.self).baseAddress!
    switch job.request.interpolation {
    case .linear where SeparableLinear.applies(job): SeparableLinear.run(job: job, input: source, output: target)
    case .linear: fillRows(job, source, target, LinearKernel.self)
    case .nearest where SeparableNearest.applies(job): SeparableNearest.run(job: job, input: source, output: target)
    case .nearest: fillRows(job, source, target, NearestKernel.self)
    case .label where SeparableLabel.applies(job, In.self): SeparableLabel.run(job: job, input: source, output: target)
    case .label: fillRows(job, source, target, LabelKernel.self)
    case .bspline where SeparableBSpline.applies(job): try SeparableBSpline.run(job: job, input: source, output: target)
    case .bspline: try BSpline.run(job: job, input: source, output: target)
    case .nnunet, .nnunetLabel:
      // Whole-array algorithms, dispatched before any job is made (`resampleAsNNUNet`).
      throw ResampleError(.invalidRequest("nnU-Net's resampling cannot run as a row kernel (slabs or windows)"))
    }
  }
}

/// Fills every output row of every time point with kernel `K`, reading samples from `job.map`.
func fillRows<In: ResamplePixel, Out: ResamplePixel, K: RowKernel>(
  _ job: Job, _ source: UnsafePointer<In>, _ target: UnsafeMutablePointer<Out>, _: K.Type
) {
  let width = job.map.outputSize.x
  let height = job.map.outputSize.y
  let defaultValue = Out.cast(job.request.defaultValue, job.request.integerCast)
  let cast = job.request.integerCast
  let components = job.components
  // Separable maps: one table of samples per axis, shared by every row.
  let tables = job.separableSamples()
  let shared = Shared(value: (source, target, tables))
  for t in 0..<job.timePoints {
    job.forEachRowChunk { rows in
      let (source, target, tables) = shared.value
      let input = source + t * job.inputValuesPerTimePoint
      let output = target + t * job.outputValuesPerTimePoint
      var xs = [AxisSample](
        repeating: AxisSample(-1, size: 1, stride: 0, halfOpen: true), count: tables == nil ? width : 0)
      var ys = xs
      var zs = xs
      for r in rows {
        let (j, k) = (r % height, job.slices.lowerBound + r / height)
        let rowOutput = output + r * width * components
        if let (tx, ty, tz) = tables {
          tx.withUnsafeBufferPointer { px in
            ty.withUnsafeBufferPointer { py in
              tz.withUnsafeBufferPointer { pz in
                K.fill(
                  RowContext(
                    xs: px.baseAddress!, ys: py.baseAddress! + j, yStride: 0, zs: pz.baseAddress! + k, zStride: 0,
                    count: width, input: input, output: rowOutput, components: components,
                    defaultValue: defaultValue, cast: cast))
              }
            }
          }
        } else if case .general(let start, let delta) = job.map.kind {
          let s = start(j, k)
          let d = delta(j, k)
          for i in 0..<width {
            let alpha = Double(i) / Double(width)
            xs[i] = job.sample(s.x + alpha * d.x, axis: 0)
            ys[i] = job.sample(s.y + alpha * d.y, axis: 1)
            zs[i] = job.sample(s.z + alpha * d.z, axis: 2)
          }
          xs.withUnsafeBufferPointer { px in
            ys.withUnsafeBufferPointer { py in
              zs.withUnsafeBufferPointer { pz in
                K.fill(
                  RowContext(
                    xs: px.baseAddress!, ys: py.baseAddress!, yStride: 1, zs: pz.baseAddress!, zStride: 1,
                    count: width, input: input, output: rowOutput, components: components,
                    defaultValue: defaultValue, cast: cast))
              }
            }
          }
        }
      }
    }
  }
}
