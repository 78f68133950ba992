import HarmonizeVolume

/// Cubic B-spline interpolation (to be completed).
enum BSpline {
  static func run<In: ResamplePixel, Out: ResamplePixel>(job: Job, input: UnsafePointer<In>, output: UnsafeMutablePointer<Out>) throws {
    throw ResampleError(.invalidRequest("bspline is not available yet"))
  }
}
