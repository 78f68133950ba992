import Foundation
import HarmonizeVolume

/// One forward pass over an image's first 3D volume, plane by plane (z), gathering all QC needs from it: the three
/// slices to draw, a sample for the display window, and each label's mean intensity and a sample of the values
/// under it. A single-file NIfTI is streamed (`PlaneReader`): only the label map and a few planes are ever in
/// memory, less than a resample of the same case holds; other formats are read whole first.
struct ImagePass {
  /// One thin volume per request (the requested axis of size 1), float32, on the image's grid otherwise.
  var slices: [Volume]
  var window: DisplayWindow
  /// Per label value: mean image intensity under it and an even sample (at most `labelSample` values) of them.
  var labelMeans: [Int: Double]
  var labelSamples: [Int: [Double]]

  static let labelSample = 4096

  /// An image opened for the pass. A streamable file starts inflating at once, on its own thread, into a ring of
  /// up to 32 MiB of planes, while the caller reads the label map; others are read whole when the pass runs.
  struct Source {
    let path: String
    let header: ImageHeader
    fileprivate let ring: PlaneRing?

    init(path: String) throws(ImageFileError) {
      self.path = path
      header = try ImageFile.readHeader(at: path)
      ring = try PlaneReader.open(at: path, header: header).map { reader in
        PlaneRing(reader: reader, depth: max(8, min(256, (32 << 20) / max(1, reader.planeBytes))))
      }
    }
  }

  /// - Parameters:
  ///   - requests: (voxel axis, index) of each slice wanted.
  ///   - labels: a label map on the image's grid, with its statistics (for the sampling strides).
  static func run(
    _ source: Source, requests: [(axis: Int, index: Int)], labels: (map: Volume, statistics: LabelStatistics)?
  ) throws(ImageFileError) -> ImagePass {
    guard let ring = source.ring else {
      return run(volume: try ImageFile.read(at: source.path), requests: requests, labels: labels)
    }
    let header = source.header
    let planeVoxels = header.planeByteCount / header.pixelType.byteCount
    var pass = Accumulator(geometry: header.geometry, requests: requests, labels: labels)
    for z in 0..<header.planeCount {
      guard let plane = ring.next() else { break }
      pass.add(
        plane: z,
        PlaneValues(base: UnsafeRawPointer(plane.baseAddress!), type: header.pixelType, stride: 1, count: planeVoxels))
      ring.release()
    }
    if let error = ring.finish() { throw error }
    return pass.result()
  }

  /// The same pass over an image in memory.
  static func run(
    volume: Volume, requests: [(axis: Int, index: Int)], labels: (map: Volume, statistics: LabelStatistics)?
  ) -> ImagePass {
    var pass = Accumulator(geometry: volume.geometry, requests: requests, labels: labels)
    let planeVoxels = pass.size[0] * pass.size[1]
    volume.withUnsafeBytes { bytes in
      let planeBytes = planeVoxels * volume.components * volume.pixelType.byteCount
      for z in 0..<pass.size[2] {
        pass.add(
          plane: z,
          PlaneValues(
            base: bytes.baseAddress! + z * planeBytes, type: volume.pixelType, stride: volume.components,
            count: planeVoxels))
      }
    }
    return pass.result()
  }

  /// One plane's stored values (native byte order, as `PlaneReader` and `Volume` hold them), read as Doubles only
  /// where the pass needs them: a few samples and rows per plane, and the voxels under labels.
  struct PlaneValues {
    let base: UnsafeRawPointer
    let type: PixelType
    /// Values per voxel (component 0 is read).
    let stride: Int
    let count: Int

    @inline(__always) subscript(_ q: Int) -> Double { type.value(in: base, at: q * stride) }
  }

  /// What the pass collects, plane by plane.
  private struct Accumulator {
    let size: [Int]
    let requests: [(axis: Int, index: Int)]
    var slices: [Volume]
    let step: Int
    var sample: [Double] = []
    let labels: Volume?
    /// Per label value: sum, count, and the sampling stride.
    var tallies = LabelTable(empty: Tally())

    struct Tally {
      var sum = 0.0
      var count = 0
      var stride = 1
      var sample: [Double] = []
    }

    init(geometry: Geometry, requests: [(axis: Int, index: Int)], labels: (map: Volume, statistics: LabelStatistics)?) {
      let size = geometry.size3
      self.size = size
      self.requests = requests.map { ($0.axis, min(max(0, $0.index), size[$0.axis] - 1)) }
      slices = self.requests.map { request in
        // At most 65535 x 65535 float32 values (NIfTI-1 and ITK limit each axis); a failure draws nothing.
        (try? Volume(geometry: geometry.thinSlice(axis: request.axis), pixelType: .f32))
          ?? (try! Volume(geometry: Geometry(size: [1, 1, 1], spacing: [1, 1, 1]), pixelType: .f32))
      }
      step = DisplayWindow.sampleStep(size[0] * size[1] * size[2])
      let sameGrid = labels.map { Array($0.map.geometry.size.prefix(3)) == Array(geometry.size.prefix(3)) } ?? false
      self.labels = sameGrid ? labels?.map : nil
      if sameGrid, let statistics = labels?.statistics {
        for (value, label) in statistics.labels {
          tallies.update(value) { $0.stride = max(1, label.voxels / ImagePass.labelSample) }
        }
      }
    }

    mutating func add(plane z: Int, _ values: PlaneValues) {
      let nx = size[0], ny = size[1], planeVoxels = nx * ny
      let first = z * planeVoxels
      var p = (step - first % step) % step
      while p < planeVoxels {
        sample.append(values[p])
        p += step
      }
      for (r, request) in requests.enumerated() {
        switch request.axis {
        case 2 where request.index == z:
          for q in 0..<planeVoxels { slices[r].setValue(Double(Float(values[q])), at: q) }
        case 1:
          for x in 0..<nx { slices[r].setValue(Double(Float(values[request.index * nx + x])), at: z * nx + x) }
        case 0:
          for y in 0..<ny { slices[r].setValue(Double(Float(values[y * nx + request.index])), at: z * ny + y) }
        default: break
        }
      }
      guard let labels else { return }
      switch labels.pixelType {
      case .u8: tally(values, first: first, labels, UInt8.self)
      case .i8: tally(values, first: first, labels, Int8.self)
      case .u16: tally(values, first: first, labels, UInt16.self)
      case .i16: tally(values, first: first, labels, Int16.self)
      case .u32: tally(values, first: first, labels, UInt32.self)
      case .i32: tally(values, first: first, labels, Int32.self)
      case .u64: tally(values, first: first, labels, UInt64.self)
      case .i64: tally(values, first: first, labels, Int64.self)
      case .f32: tally(values, first: first, labels, Float.self)
      case .f64: tally(values, first: first, labels, Double.self)
      }
    }

    /// Adds one plane's image values to the tallies of the labels over them, reading labels in their stored type.
    private mutating func tally<T: StoredPixel>(_ values: PlaneValues, first: Int, _ labels: Volume, _: T.Type) {
      let components = labels.components
      let planeVoxels = values.count
      labels.withUnsafeBufferPointer(as: T.self) { stored in
        var lastStored = T.zero
        var lastKey = 0
        for q in 0..<planeVoxels {
          let label = stored[(first + q) * components]
          guard label != T.zero else { continue }
          if label != lastStored || lastKey == 0 {
            guard let key = LabelTable<Tally>.key(label.doubleValue) else { continue }
            lastStored = label
            lastKey = key
          }
          let value = values[q]
          tallies.update(lastKey) { tally in
            if tally.count % tally.stride == 0 { tally.sample.append(value) }
            tally.sum += value
            tally.count += 1
          }
        }
      }
    }

    func result() -> ImagePass {
      let all = tallies.entries { $0.count > 0 }
      return ImagePass(
        slices: slices, window: DisplayWindow(sample: sample),
        labelMeans: all.mapValues { $0.sum / Double($0.count) }, labelSamples: all.mapValues(\.sample))
    }
  }
}
