/// nnU-Net's sampling positions along one axis, `(k + 0.5)·n/m − 0.5`, and the scipy rules that turn them into taps:
/// order 0 takes `floor(c + 0.5)`, order 1 the two neighbours with weights `1 − f` and `1 − (1 − f)`; mode 'nearest'
/// clamps the position into `[0, n − 1]` first.
struct NNUNetAxisSamples: Sendable {
  /// Nearest input index of each output sample (order 0).
  let nearest: [Int]
  /// Linear taps (order 1): the lower index, its weight, the upper index (mirrored back inside at the last sample,
  /// where its weight is 0) and its weight.
  let lower: [Int]
  let upper: [Int]
  let lowerWeight: [Double]
  let upperWeight: [Double]

  init(count n: Int, outputCount m: Int) {
    let zoom = Double(n) / Double(m)
    var nearest = [Int](repeating: 0, count: m)
    var lower = [Int](repeating: 0, count: m), upper = [Int](repeating: 0, count: m)
    var lowerWeight = [Double](repeating: 0, count: m), upperWeight = [Double](repeating: 0, count: m)
    for k in 0..<m {
      let cc = min(max((Double(k) + 0.5) * zoom - 0.5, 0), Double(n - 1))
      nearest[k] = min(Int((cc + 0.5).rounded(.down)), n - 1)
      let start = cc.rounded(.down)
      let w0 = 1 - (cc - start)
      lower[k] = Int(start)
      upper[k] = n == 1 ? 0 : (Int(start) + 1 < n ? Int(start) + 1 : n - 2)
      lowerWeight[k] = w0
      upperWeight[k] = 1 - w0
    }
    self.nearest = nearest
    self.lower = lower
    self.upper = upper
    self.lowerWeight = lowerWeight
    self.upperWeight = upperWeight
  }
}
