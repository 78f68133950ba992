import Foundation
import HarmonizeResample
import HarmonizeVolume

/// One case's logits as the runner wrote them: `BASE.logits` (raw, C order, K x the network's grid) and `BASE.json`
/// (dtype, shape and nnU-Net's properties of the case). Every number is checked against the others and against the
/// file's size before the file is mapped; the mapping is released by `close()`.
final class LogitsCase: @unchecked Sendable {
  let logits: NNUNetLogits
  /// nnU-Net's properties, transposed order: the shape after transposing, before cropping; the crop box
  /// [lower, upper) per axis; the cropped shape (the export's target).
  let shapeBeforeCropping: [Int]
  let box: [(lower: Int, upper: Int)]
  let croppedShape: [Int]
  /// Spacing of the image as nnU-Net read it, numpy order (not transposed), mm.
  let spacing: [Double]
  private let mapping: UnsafeMutableRawPointer
  private let mappedBytes: Int

  /// Reads `base.json` and maps `base.logits`.
  /// - Throws: `PredictError` naming the file and the inconsistency.
  init(base: String, classes: Int) throws(PredictError) {
    let jsonPath = base + ".json", rawPath = base + ".logits"
    guard let data = FileManager.default.contents(atPath: jsonPath),
      let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
      let properties = object["properties"] as? [String: Any]
    else { throw PredictError(jsonPath, "the runner's record of the case is missing or not JSON") }
    func integers(_ value: Any?, _ name: String) throws(PredictError) -> [Int] {
      guard let list = value as? [Any], list.count == 3 || (name == "shape" && list.count == 4) else {
        throw PredictError(jsonPath, "\(name) is not a list of 3 sizes")
      }
      var result: [Int] = []
      for item in list {
        guard let number = item as? NSNumber, let v = Int(exactly: number.doubleValue), v >= 0, v < 1 << 31 else {
          throw PredictError(jsonPath, "\(name) holds \(item), not a size")
        }
        result.append(v)
      }
      return result
    }
    guard let dtype = object["dtype"] as? String, let precision = NNUNetLogits.Precision(rawValue: dtype) else {
      throw PredictError(jsonPath, "logits of type \(object["dtype"] ?? "none"): expected float16 or float32")
    }
    let shape = try integers(object["shape"], "shape")
    guard shape.count == 4, shape[0] == classes else {
      throw PredictError(jsonPath, "logits of shape \(shape): expected \(classes) classes and 3 axes")
    }
    let grid = Array(shape.dropFirst())
    shapeBeforeCropping = try integers(properties["shape_before_cropping"], "shape_before_cropping")
    croppedShape = try integers(
      properties["shape_after_cropping_and_before_resampling"], "shape_after_cropping_and_before_resampling")
    guard let boxes = properties["bbox_used_for_cropping"] as? [Any], boxes.count == 3 else {
      throw PredictError(jsonPath, "bbox_used_for_cropping is not 3 [lower, upper] pairs")
    }
    var box: [(lower: Int, upper: Int)] = []
    for (axis, item) in boxes.enumerated() {
      let pair = ((item as? [Any]) ?? []).compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
      guard pair.count == 2, (item as? [Any])?.count == 2 else {
        throw PredictError(jsonPath, "bbox_used_for_cropping[\(axis)] is not a [lower, upper] pair")
      }
      guard pair[0] >= 0, pair[0] < pair[1], pair[1] <= shapeBeforeCropping[axis],
        pair[1] - pair[0] == croppedShape[axis]
      else {
        throw PredictError(
          jsonPath, "crop box \(pair) on axis \(axis) does not fit the case's shape \(shapeBeforeCropping)")
      }
      box.append((pair[0], pair[1]))
    }
    self.box = box
    guard let spacing = (properties["spacing"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }),
      spacing.count == 3, spacing.allSatisfy({ $0.isFinite && $0 > 0 })
    else { throw PredictError(jsonPath, "spacing is not 3 positive numbers") }
    self.spacing = spacing
    guard grid.allSatisfy({ $0 > 0 }) else { throw PredictError(jsonPath, "empty logits grid \(grid)") }
    var voxels = classes * precision.byteCount, overflow = false
    for size in grid where !overflow { (voxels, overflow) = voxels.multipliedReportingOverflow(by: size) }
    var info = stat()
    guard stat(rawPath, &info) == 0 else { throw PredictError(rawPath, "the runner's logits file is missing") }
    guard !overflow, Int(info.st_size) == voxels, voxels > 0 else {
      throw PredictError(rawPath, "holds \(info.st_size) bytes, not the \(voxels) its record says")
    }
    let fd = open(rawPath, O_RDONLY)
    guard fd >= 0 else { throw PredictError(rawPath, "cannot open: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard let pointer = mmap(nil, voxels, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
      throw PredictError(rawPath, "cannot map: \(String(cString: strerror(errno)))")
    }
    mapping = pointer
    mappedBytes = voxels
    logits = NNUNetLogits(base: UnsafeRawPointer(pointer), precision: precision, classes: classes, shape: grid)
  }

  deinit { munmap(mapping, mappedBytes) }
}
