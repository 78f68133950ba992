import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeResample

/// The separable B-spline (prefilter and reduce each slice in-plane, then the stack along z) against the 64-tap
/// evaluation of ITK's order (`BSpline`), on the same job: thin axes (the mirrored causal start, lines shorter than
/// the 18-term horizon), up- and downsampling, a grid reaching outside the input, Float and Double accumulation.
@Suite("Separable B-spline")
struct SeparableBSplineTests {
  struct Case: CustomStringConvertible, Sendable {
    var size: [Int]
    var spacing: [Double]
    var target: [Double]
    var type: PixelType
    var grid: GridPreset = .center
    var description: String { "\(size) \(type) -> \(target) \(grid)" }
  }

  static let cases: [Case] = [
    Case(size: [23, 19, 31], spacing: [0.7, 0.7, 2.5], target: [1.0], type: .i16),
    Case(size: [23, 19, 31], spacing: [0.7, 0.7, 2.5], target: [1.0], type: .f64),
    Case(size: [40, 9, 3], spacing: [1, 1, 1], target: [2.2, 0.4, 0.6], type: .f32),
    Case(size: [5, 2, 1], spacing: [1, 1, 3], target: [0.3, 0.5, 3], type: .f32),
    Case(size: [17, 13, 25], spacing: [1, 1, 1], target: [0.45], type: .i32, grid: .sitk),
    Case(size: [30, 30, 20], spacing: [0.5, 0.5, 0.5], target: [1.7], type: .u8),
  ]

  @Test(arguments: cases)
  func agreesWithTheSixtyFourTapEvaluation(_ c: Case) throws {
    var volume = try Volume(geometry: Geometry(size: c.size, spacing: c.spacing), pixelType: c.type)
    var state: UInt64 = 12345
    let n = volume.valueCount
    var values: [Double] = []
    for i in 0..<n {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let noise = Double(state >> 40) / Double(1 << 24)
      values.append((60 * sin(Double(i) / 7) + 40 * noise).rounded() + 100)
    }
    for (i, v) in values.enumerated() { volume.setValue(v, at: i) }
    let request = ResampleRequest(target: .spacing(c.target), grid: c.grid, interpolation: .bspline, outputType: .f64)
    let (fast, plan) = try Resampler.resample(volume, request)
    let map = CoordinateMap(input: volume.geometry, output: plan.geometry, sampling: plan.sampling, exactITK: false)
    let job = Job(geometry: volume.geometry, components: 1, map: map, request: request)
    #expect(SeparableBSpline.applies(job))
    var slow = try Volume(geometry: plan.geometry, pixelType: .f64)
    try slow.withUnsafeMutableBufferPointer(as: Double.self) { out in
      try volume.withUnsafeBytes { raw in
        try JobRunnerForTests(job: job).runAll(raw, c.type, out.baseAddress!)
      }
    }
    let (a, b) = (fast.allValues, slow.allValues)
    #expect(a.count == b.count && a.count > 0)
    let range = (values.max() ?? 0) - (values.min() ?? 0)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    let bound = (c.type.byteCount <= 2 || c.type == .f32 ? 1e-5 : 1e-10) * range
    #expect(worst <= bound, "\(c): worst \(worst) of range \(range)")
    #expect(a.contains { $0 != 0 })
  }
}

/// Runs the 64-tap `BSpline` for an input of any pixel type into a Double output.
struct JobRunnerForTests {
  let job: Job
  func runAll(_ raw: UnsafeRawBufferPointer, _ type: PixelType, _ out: UnsafeMutablePointer<Double>) throws {
    func go<In: ResamplePixel>(_: In.Type) throws {
      try BSpline.run(job: job, input: raw.bindMemory(to: In.self).baseAddress!, output: out)
    }
    switch type {
    case .u8: try go(UInt8.self)
    case .i16: try go(Int16.self)
    case .i32: try go(Int32.self)
    case .f32: try go(Float.self)
    case .f64: try go(Double.self)
    default: Issue.record("unsupported in this helper")
    }
  }
}
