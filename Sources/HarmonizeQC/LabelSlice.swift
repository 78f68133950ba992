import HarmonizeVolume

/// One slice of a label map as a thin volume (the sliced axis of size 1), in its stored type, component 0.
enum LabelSlice {
  static func extract(_ map: Volume, axis: Int, index: Int) -> Volume {
    let size = Array(map.geometry.size.prefix(3)) + Array(repeating: 1, count: max(0, 3 - map.geometry.size.count))
    let at = min(max(0, index), size[axis] - 1)
    var thin = size
    thin[axis] = 1
    let (spacing, origin, direction) = map.geometry.spatial3D
    guard
      var slice = try? Volume(
        geometry: Geometry(size: thin, spacing: spacing, origin: origin, direction: direction),
        pixelType: map.pixelType)
    else { return map }
    var position = 0
    for k in 0..<thin[2] {
      for j in 0..<thin[1] {
        for i in 0..<thin[0] {
          var source = [i, j, k]
          source[axis] = at
          let from = source[0] + size[0] * (source[1] + size[1] * source[2])
          slice.setValue(map.value(at: from * map.components), at: position)
          position += 1
        }
      }
    }
    return slice
  }
}
