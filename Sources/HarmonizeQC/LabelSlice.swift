import HarmonizeVolume

/// One slice of a label map as a thin volume (the sliced axis of size 1), in its stored type, component 0.
enum LabelSlice {
  static func extract(_ map: Volume, axis: Int, index: Int) -> Volume {
    let size = map.geometry.size3
    let at = min(max(0, index), size[axis] - 1)
    let thin = map.geometry.thinSlice(axis: axis)
    guard var slice = try? Volume(geometry: thin, pixelType: map.pixelType) else { return map }
    let thinSize = thin.size
    var position = 0
    for k in 0..<thinSize[2] {
      for j in 0..<thinSize[1] {
        for i in 0..<thinSize[0] {
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
