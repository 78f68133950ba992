import Foundation
import HarmonizeVolume

/// Small nnU-Net raw datasets written the way nnU-Net's users lay them out: `dataset.json`, `imagesTr/CASE_XXXX`,
/// `labelsTr/CASE`, `imagesTs/`. Images hold a box of "tissue" (values from `base`) in a zero background; labels
/// hold 1 inside the box and 2 in its inner half.
public enum DatasetFixture {
  /// A scalar image: `background` outside the central box (20%-80% of each axis), `base + (n·7919 mod 97)` inside.
  public static func image(
    size: [Int], spacing: [Double], origin: [Double]? = nil, direction: [Double]? = nil,
    pixelType: PixelType = .i16, base: Double = 100, background: Double = 0
  ) -> Volume {
    var volume = try! Volume(
      geometry: Geometry(size: size, spacing: spacing, origin: origin, direction: direction),
      pixelType: pixelType)
    let values = (0..<volume.voxelCount).map { n -> Double in
      inBox(n, size, 0.2) ? base + Double((n * 7919) % 97) : background
    }
    set(&volume, values)
    return volume
  }

  /// A u8 label map matching `image(size:...)`: 1 in the central box, 2 in its inner half, 0 elsewhere.
  public static func label(
    size: [Int], spacing: [Double], origin: [Double]? = nil, direction: [Double]? = nil,
    pixelType: PixelType = .u8
  ) -> Volume {
    var volume = try! Volume(
      geometry: Geometry(size: size, spacing: spacing, origin: origin, direction: direction),
      pixelType: pixelType)
    set(&volume, (0..<volume.voxelCount).map { n in inBox(n, size, 0.35) ? 2 : inBox(n, size, 0.2) ? 1 : 0 })
    return volume
  }

  /// Writes `values` (buffer order) into a volume of any pixel type.
  public static func set(_ volume: inout Volume, _ values: [Double]) {
    func fill<T: StoredPixel>(_ t: T.Type, _ make: (Double) -> T) {
      volume.withUnsafeMutableBufferPointer(as: T.self) { b in for i in 0..<b.count { b[i] = make(values[i]) } }
    }
    switch volume.pixelType {
    case .u8: fill(UInt8.self) { UInt8($0) }
    case .i8: fill(Int8.self) { Int8($0) }
    case .u16: fill(UInt16.self) { UInt16($0) }
    case .i16: fill(Int16.self) { Int16($0) }
    case .u32: fill(UInt32.self) { UInt32($0) }
    case .i32: fill(Int32.self) { Int32($0) }
    case .u64: fill(UInt64.self) { UInt64($0) }
    case .i64: fill(Int64.self) { Int64($0) }
    case .f32: fill(Float.self) { Float($0) }
    case .f64: fill(Double.self) { $0 }
    }
  }

  static func inBox(_ n: Int, _ size: [Int], _ margin: Double) -> Bool {
    var rest = n
    for axis in 0..<size.count {
      let i = rest % size[axis]
      rest /= size[axis]
      let lo = Int(Double(size[axis]) * margin), hi = size[axis] - 1 - lo
      if size[axis] > 2 && (i < lo || i > hi) { return false }
    }
    return true
  }

  /// `dataset.json` text as nnU-Net v2's `generate_dataset_json` writes it.
  public static func datasetJSON(
    channels: [String], labels: [(String, String)], numTraining: Int,
    fileEnding: String = ".nii.gz"
  ) -> String {
    let channelText = channels.enumerated().map { "        \"\($0.offset)\": \"\($0.element)\"" }.joined(
      separator: ",\n")
    let labelText = labels.map { "        \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
    return """
      {
          "channel_names": {
      \(channelText)
          },
          "labels": {
      \(labelText)
          },
          "numTraining": \(numTraining),
          "file_ending": "\(fileEnding)"
      }
      """
  }

  /// An empty nnU-Net raw dataset folder: `imagesTr/`, `labelsTr/` (and any other `folders`) and its `dataset.json`.
  public static func layout(
    at folder: String, channels: [String], labels: [(String, String)], numTraining: Int,
    folders: [String] = ["imagesTr", "labelsTr"]
  ) throws {
    for sub in folders {
      try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
    }
    try datasetJSON(channels: channels, labels: labels, numTraining: numTraining)
      .write(toFile: folder + "/dataset.json", atomically: true, encoding: .utf8)
  }

  /// A raw dataset folder with `cases` training cases of two channels (T2, ADC) and labels 0-2; case k has
  /// spacing `spacing` with the in-plane spacing scaled by (1 + 0.05·k) so the spacing distribution has a spread.
  @discardableResult
  public static func write(
    at folder: String, cases: Int = 3, size: [Int] = [24, 20, 10], spacing: [Double] = [0.8, 0.8, 2.5],
    direction: [Double]? = nil, channels: [String] = ["T2", "ADC"]
  ) throws -> String {
    try layout(
      at: folder, channels: channels, labels: [("background", "0"), ("gland", "1"), ("zone", "2")],
      numTraining: cases, folders: ["imagesTr", "labelsTr", "imagesTs"])
    for k in 0..<cases {
      let s = [spacing[0] * (1 + 0.05 * Double(k)), spacing[1] * (1 + 0.05 * Double(k)), spacing[2]]
      let id = String(format: "case_%03d", k + 1)
      for c in 0..<channels.count {
        try ImageFile.write(
          image(size: size, spacing: s, direction: direction, base: 100 + 400 * Double(c)),
          to: folder + "/imagesTr/\(id)_\(String(format: "%04d", c)).nii.gz")
      }
      try ImageFile.write(label(size: size, spacing: s, direction: direction), to: folder + "/labelsTr/\(id).nii.gz")
    }
    return folder
  }
}
