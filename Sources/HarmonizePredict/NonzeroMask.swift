/// nnU-Net's `create_nonzero_mask` inside its crop box: a voxel is in the mask when any channel is non-zero there, or
/// when it is a zero voxel that the 6-connected zero region reaching the box's faces does not reach (scipy's
/// `binary_fill_holes`: inside the bounding box of the non-zero voxels every face touches the outside, so filling from
/// the box's faces is filling from the array's border).
enum NonzeroMask {
  /// `nonzero[i]` for the box's voxels, x fastest, sizes `n`; returns the filled mask.
  static func filled(_ nonzero: [Bool], size n: [Int]) -> [Bool] {
    let count = n[0] * n[1] * n[2]
    var outside = [Bool](repeating: false, count: count)
    var stack: [Int32] = []
    func seed(_ i: Int) {
      if !nonzero[i] && !outside[i] {
        outside[i] = true
        stack.append(Int32(truncatingIfNeeded: i))
      }
    }
    for k in 0..<n[2] {
      for j in 0..<n[1] {
        for i in 0..<n[0] where i == 0 || j == 0 || k == 0 || i == n[0] - 1 || j == n[1] - 1 || k == n[2] - 1 {
          seed(i + n[0] * (j + n[1] * k))
        }
      }
    }
    let sx = 1, sy = n[0], sz = n[0] * n[1]
    while let top = stack.popLast() {
      let v = Int(top)
      let i = v % n[0], j = (v / n[0]) % n[1], k = v / sz
      if i > 0 { seed(v - sx) }
      if i < n[0] - 1 { seed(v + sx) }
      if j > 0 { seed(v - sy) }
      if j < n[1] - 1 { seed(v + sy) }
      if k > 0 { seed(v - sz) }
      if k < n[2] - 1 { seed(v + sz) }
    }
    return outside.map { !$0 }
  }
}
