import HarmonizeVolume

/// Draws one view of an image, with the outlines of a label map on the same grid, as an RGB picture.
enum SliceRenderer {
  /// - Parameters:
  ///   - image: drawn in grey through `window`; nil draws the label map alone on black.
  ///   - labels: outlined (and lightly filled) in `LabelPalette` colours when it has the plan's grid.
  ///   - fixedIndex: the slice along the view's fixed voxel axis.
  static func render(
    image: Volume?, window: DisplayWindow?, labels: Volume?, plan: SlicePlan, fixedIndex: Int
  ) -> [UInt8] {
    let pixels = plan.width * plan.height
    var rgb = [UInt8](repeating: 0, count: pixels * 3)
    guard let grid = (image ?? labels)?.geometry else { return rgb }
    let indices = plan.voxelIndices(fixedIndex: fixedIndex, grid: grid)
    if let image, let window {
      for p in 0..<pixels {
        let grey = window.grey(image.value(at: indices[p] * image.components))
        rgb[3 * p] = grey
        rgb[3 * p + 1] = grey
        rgb[3 * p + 2] = grey
      }
    }
    guard let labels else { return rgb }
    var values = [Int](repeating: 0, count: pixels)
    for p in 0..<pixels {
      values[p] = LabelTable<Int>.key(labels.value(at: indices[p] * labels.components)) ?? 0
    }
    let w = plan.width, h = plan.height
    for y in 0..<h {
      for x in 0..<w {
        let p = y * w + x
        let value = values[p]
        guard value != 0 else { continue }
        let edge =
          x == 0 || y == 0 || x == w - 1 || y == h - 1 || values[p - 1] != value || values[p + 1] != value
          || values[p - w] != value || values[p + w] != value
        let (r, g, b) = LabelPalette.colour(value)
        let alpha = edge ? 1.0 : 0.22
        rgb[3 * p] = blend(rgb[3 * p], r, alpha)
        rgb[3 * p + 1] = blend(rgb[3 * p + 1], g, alpha)
        rgb[3 * p + 2] = blend(rgb[3 * p + 2], b, alpha)
      }
    }
    return rgb
  }

  @inline(__always) private static func blend(_ under: UInt8, _ over: UInt8, _ alpha: Double) -> UInt8 {
    UInt8((Double(under) * (1 - alpha) + Double(over) * alpha).rounded())
  }
}
