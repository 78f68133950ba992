import Foundation

/// A small CT series written byte by byte (explicit VR little endian, Part 10), for tests that must not need Python:
/// axial 16-bit slices 2.5 mm apart, unsigned 12 bits stored, RescaleIntercept -1024.
public enum DicomFixture {
  /// Writes `slices` files `IM0`, `IM1`, ... into `folder` (created); the stored value of voxel (x, y) in slice z is
  /// 1000 + x + 10 y + 100 z.
  public static func writeSeries(
    at folder: String, slices: Int = 3, columns: Int = 8, rows: Int = 6, series: String = "1.2.3.4.5"
  ) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for z in 0..<slices {
      var pixels: [UInt8] = []
      for y in 0..<rows {
        for x in 0..<columns {
          let v = UInt16(1000 + x + 10 * y + 100 * z)
          pixels += [UInt8(v & 0xFF), UInt8(v >> 8)]
        }
      }
      let file = slice(
        series: series, instance: z + 1, position: "-20\\-15\\\(Double(z) * 2.5)", columns: columns, rows: rows,
        pixels: pixels)
      try Data(file).write(to: URL(fileURLWithPath: folder + "/IM\(z)"))
    }
  }

  static func slice(
    series: String, instance: Int, position: String, columns: Int, rows: Int, pixels: [UInt8]
  ) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
    func add(_ group: UInt16, _ element: UInt16, _ vr: String, _ text: String, pad: UInt8 = 0x20) {
      var value = Array(text.utf8)
      if value.count % 2 == 1 { value.append(pad) }
      add(group, element, vr, bytes: value)
    }
    func add(_ group: UInt16, _ element: UInt16, _ vr: String, bytes value: [UInt8]) {
      b += [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)] + Array(vr.utf8)
      if ["OB", "OW", "SQ", "UN", "UT"].contains(vr) {
        b += [0, 0] + withUnsafeBytes(of: UInt32(value.count).littleEndian, Array.init)
      } else {
        b += withUnsafeBytes(of: UInt16(value.count).littleEndian, Array.init)
      }
      b += value
    }
    func us(_ group: UInt16, _ element: UInt16, _ n: Int) {
      add(group, element, "US", bytes: withUnsafeBytes(of: UInt16(n).littleEndian, Array.init))
    }
    let ct = "1.2.840.10008.5.1.4.1.1.2"
    let instanceUID = series + ".\(instance)"
    add(0x0002, 0x0002, "UI", ct, pad: 0)
    add(0x0002, 0x0003, "UI", instanceUID, pad: 0)
    add(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1", pad: 0)
    add(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL")
    add(0x0008, 0x0016, "UI", ct, pad: 0)
    add(0x0008, 0x0018, "UI", instanceUID, pad: 0)
    add(0x0008, 0x0060, "CS", "CT")
    add(0x0008, 0x103E, "LO", "fixture")
    add(0x0010, 0x0020, "LO", "PID-TEST")
    add(0x0020, 0x000D, "UI", "1.2.3.4", pad: 0)
    add(0x0020, 0x000E, "UI", series, pad: 0)
    add(0x0020, 0x0011, "IS", "1")
    add(0x0020, 0x0013, "IS", String(instance))
    add(0x0020, 0x0032, "DS", position)
    add(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0")
    us(0x0028, 0x0002, 1)
    add(0x0028, 0x0004, "CS", "MONOCHROME2")
    us(0x0028, 0x0010, rows)
    us(0x0028, 0x0011, columns)
    add(0x0028, 0x0030, "DS", "0.7\\0.8")
    us(0x0028, 0x0100, 16)
    us(0x0028, 0x0101, 12)
    us(0x0028, 0x0103, 0)
    add(0x0028, 0x1052, "DS", "-1024")
    add(0x0028, 0x1053, "DS", "1")
    add(0x7FE0, 0x0010, "OW", bytes: pixels)
    return b
  }
}
