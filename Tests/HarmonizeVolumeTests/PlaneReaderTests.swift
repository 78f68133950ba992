import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// Reading pixels plane by plane (input streaming): the same bytes as the whole-file read, and every kind of damage an
/// error naming the file, never a short or silently wrong volume.
@Suite("Plane reader")
struct PlaneReaderTests {
  /// Every plane of `path`, read in runs of `run` planes.
  private func planes(_ path: String, run: Int) throws -> [UInt8] {
    let header = try ImageFile.readHeader(at: path)
    let reader = try #require(try PlaneReader.open(at: path, header: header))
    var bytes = [UInt8](repeating: 0, count: reader.planeBytes * reader.planeCount)
    try bytes.withUnsafeMutableBytes { all in
      var z = 0
      while z < reader.planeCount {
        let count = min(run, reader.planeCount - z)
        try reader.read(planes: count, into: UnsafeMutableRawBufferPointer(rebasing: all[(z * reader.planeBytes)...]))
        z += count
      }
      let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.planeBytes, alignment: 8)
      defer { scratch.deallocate() }
      try reader.finish(scratch: scratch)
    }
    return bytes
  }

  private func wholeBytes(_ path: String) throws -> [UInt8] {
    try ImageFile.read(at: path).withUnsafeBytes { Array($0) }
  }

  /// A `.nii.gz` of many gzip members: written in one-plane appends.
  private func writeMultiMember(_ volume: Volume, to path: String) throws {
    let planeBytes = volume.geometry.size[0] * volume.geometry.size[1] * volume.pixelType.byteCount
    try ImageFile.writeStreaming(header: volume.header(), to: path) { append in
      try volume.withUnsafeBytes { bytes in
        for z in 0..<volume.geometry.size[2] {
          try append(UnsafeRawBufferPointer(rebasing: bytes[(z * planeBytes)..<((z + 1) * planeBytes)]))
        }
      }
    }
  }

  private func gzipMembers(_ path: String) throws -> Int {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    return (0..<(bytes.count - 2)).filter { bytes[$0] == 0x1f && bytes[$0 + 1] == 0x8b && bytes[$0 + 2] == 8 }.count
  }

  @Test(arguments: [PixelType.i16, .f32, .u8, .f64])
  func planesEqualTheWholeRead(_ type: PixelType) throws {
    let folder = TemporaryFolder("planes")
    let volume = SyntheticVolume.make(size: [37, 29, 23], spacing: [0.7, 0.8, 2.5], pixelType: type)
    try ImageFile.write(volume, to: folder.file("one.nii.gz"))
    try ImageFile.write(volume, to: folder.file("plain.nii"))
    try writeMultiMember(volume, to: folder.file("many.nii.gz"))
    #expect(try gzipMembers(folder.file("many.nii.gz")) >= 23)
    let expected = volume.withUnsafeBytes { Array($0) }
    for name in ["one.nii.gz", "plain.nii", "many.nii.gz"] {
      #expect(try wholeBytes(folder.file(name)) == expected, "\(name) whole")
      for run in [1, 4, 23] {
        #expect(try planes(folder.file(name), run: run) == expected, "\(name) in runs of \(run)")
      }
    }
  }

  @Test func otherFormatsAndScaledFilesAreReadWhole() throws {
    let folder = TemporaryFolder("whole")
    let volume = SyntheticVolume.make(size: [8, 7, 6], pixelType: .i16)
    try ImageFile.write(volume, to: folder.file("a.mha"))
    #expect(
      try PlaneReader.open(at: folder.file("a.mha"), header: ImageFile.readHeader(at: folder.file("a.mha"))) == nil)
    // scl_slope = 2 (offset 112): ITK scales the values, so the stored bytes are not the pixels.
    let scaled = folder.file("scaled.nii")
    try ImageFile.write(volume, to: scaled)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scaled)))
    withUnsafeBytes(of: Float(2).bitPattern.littleEndian) { for (i, b) in $0.enumerated() { bytes[112 + i] = b } }
    try Data(bytes).write(to: URL(fileURLWithPath: scaled))
    let header = try ImageFile.readHeader(at: scaled)
    #expect(try PlaneReader.open(at: scaled, header: header) == nil)
    #expect(!PlaneReader.canStream(at: scaled, header: header))
  }

  /// Damage of every kind: the error names the file and says what is wrong, at a read or at `finish`.
  @Test(arguments: ["cut", "crc", "length", "garbage", "member cut", "deflate"])
  func damageIsAnError(_ damage: String) throws {
    let folder = TemporaryFolder("damage")
    let path = folder.file("damaged.nii.gz")
    let volume = SyntheticVolume.make(size: [64, 48, 20], pixelType: .i16)
    try writeMultiMember(volume, to: path)
    let header = try ImageFile.readHeader(at: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let starts = (0..<(bytes.count - 2)).filter { bytes[$0] == 0x1f && bytes[$0 + 1] == 0x8b && bytes[$0 + 2] == 8 }
    let expected: String
    switch damage {
    case "cut":
      bytes.removeLast(bytes.count / 3)
      expected = "truncated"
    case "crc":
      bytes[bytes.count - 6] ^= 0xff
      expected = "corrupt compressed data (incorrect data check)"
    case "length":
      bytes[bytes.count - 3] ^= 0x01
      expected = "corrupt compressed data"  // the gzip trailer's ISIZE
    case "garbage":
      bytes += [1, 2, 3, 4, 5, 6, 7]
      expected = "trailing data after the gzip stream (7 bytes)"
    case "member cut":
      bytes.removeSubrange((starts[5] - 40)..<starts[5])
      expected = "corrupt compressed data"
    default:
      for i in (starts[3] + 30)..<(starts[3] + 60) { bytes[i] = 0xff }
      expected = "corrupt compressed data"
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    do {
      _ = try planes(path, run: 3)
      Issue.record("\(damage): no error")
    } catch let error as ImageFileError {
      #expect(error.path == path)
      #expect(error.detail.hasPrefix(expected), "\(damage): \(error)")
      #expect(!error.description.contains("\n"))
    }
    _ = header
  }
}
