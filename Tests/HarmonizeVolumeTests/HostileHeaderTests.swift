import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// Corrupt NIfTI-1 header fields: each is refused with one line naming the field, never repaired silently, never a
/// crash (a NaN sform used to abort the process inside VNL, a vox_offset of 1e20 trapped in an Int conversion).
@Suite("Hostile headers")
struct HostileHeaderTests {
  /// One field of ITK's own header overwritten: byte offset, little-endian bytes, and a piece of the expected error.
  struct Damage: Sendable, CustomStringConvertible {
    var name: String
    var offset: Int
    var bytes: [UInt8]
    var expected: String
    var description: String { name }
  }

  static func float(_ x: Float) -> [UInt8] { withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) } }
  static func int16(_ x: Int16) -> [UInt8] { withUnsafeBytes(of: x.littleEndian) { Array($0) } }
  static func int32(_ x: Int32) -> [UInt8] { withUnsafeBytes(of: x.littleEndian) { Array($0) } }

  static let damages: [Damage] = [
    Damage(
      name: "pixdim 1e30", offset: 80, bytes: float(1e30),
      expected: "spacing (NIfTI pixdim) must be between 1e-06 and 1e+06 mm"),
    Damage(
      name: "pixdim 1e-45", offset: 80, bytes: float(Float.leastNonzeroMagnitude),
      expected: "spacing (NIfTI pixdim) must be between"),
    Damage(
      name: "pixdim NaN", offset: 84, bytes: float(.nan), expected: "spacing (NIfTI pixdim) must be finite and > 0"),
    Damage(name: "pixdim -1", offset: 88, bytes: float(-1), expected: "spacing (NIfTI pixdim) must be finite and > 0"),
    Damage(
      name: "sform NaN", offset: 280, bytes: float(.nan),
      expected: "NIfTI sform (srow_x, srow_y, srow_z) must be finite"),
    Damage(
      name: "sform Inf", offset: 292, bytes: float(.infinity),
      expected: "NIfTI sform (srow_x, srow_y, srow_z) must be finite"),
    Damage(name: "sform offset 1e20", offset: 324, bytes: float(1e20), expected: "NIfTI sform"),
    Damage(
      name: "quaternion NaN", offset: 256, bytes: float(.nan),
      expected: "NIfTI quaternion (quatern_b, c, d) must be finite"),
    Damage(name: "qoffset NaN", offset: 268, bytes: float(.nan), expected: "NIfTI qoffset must be finite"),
    Damage(name: "vox_offset 1e20", offset: 108, bytes: float(1e20), expected: "NIfTI vox_offset must be at least 348"),
    Damage(name: "vox_offset NaN", offset: 108, bytes: float(.nan), expected: "NIfTI vox_offset must be at least 348"),
    Damage(name: "magic", offset: 344, bytes: Array("abc\0".utf8), expected: "NIfTI magic must be \"n+1\""),
    Damage(
      name: "sizeof_hdr", offset: 0, bytes: int32(349), expected: "not a NIfTI-1 header: sizeof_hdr is 349, not 348"),
    Damage(name: "bitpix", offset: 72, bytes: int16(8), expected: "NIfTI bitpix 8 contradicts datatype 4 (16 bits)"),
    Damage(name: "datatype", offset: 70, bytes: int16(3), expected: "unknown NIfTI datatype 3"),
    Damage(name: "dim[0]", offset: 40, bytes: int16(9), expected: "NIfTI dim[0] must be 1 to 7, not 9"),
    Damage(name: "dim[2] 0", offset: 44, bytes: int16(0), expected: "sizes (NIfTI dim) must be at least 1"),
  ]

  /// Every damage is refused the same way in `.nii` and `.nii.gz` (they used to disagree on sizeof_hdr and bitpix),
  /// by the header read and by the whole read.
  @Test(arguments: damages, [".nii", ".nii.gz"])
  func corruptFieldIsRefusedNamingIt(_ damage: Damage, _ ending: String) throws {
    let folder = TemporaryFolder("hostile")
    let plain = folder.file("good.nii")
    try ImageFile.write(SyntheticVolume.make(size: [6, 5, 4], spacing: [0.7, 0.7, 2.5], pixelType: .i16), to: plain)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
    bytes.replaceSubrange(damage.offset..<(damage.offset + damage.bytes.count), with: damage.bytes)
    let path = folder.file("bad" + ending)
    let data = ending == ".nii" ? Data(bytes) : try gzip(Data(bytes), in: folder)
    try data.write(to: URL(fileURLWithPath: path))
    for read in [{ _ = try ImageFile.readHeader(at: path) }, { _ = try ImageFile.read(at: path) }]
      as [() throws -> Void]
    {
      do {
        try read()
        Issue.record("\(damage.name) in \(ending) was accepted")
      } catch let error as ImageFileError {
        #expect(error.path == path)
        #expect(error.description.contains(damage.expected), "\(error)")
        #expect(!error.description.contains("\n"))
      }
    }
  }

  /// A vector (3-component) `.nii.gz` whose gzip stream is complete but holds half of the data: ITK 5.2 filled the
  /// rest with zeros and reported success.
  @Test func multiComponentStreamHoldingHalfTheDataIsRefused() throws {
    let folder = TemporaryFolder("hostile-vector")
    let plain = folder.file("vector.nii")
    try ImageFile.write(SyntheticVolume.make(size: [10, 10, 5], pixelType: .f32, components: 3), to: plain)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: plain))
    let path = folder.file("half.nii.gz")
    try gzip(bytes.prefix(352 + (bytes.count - 352) / 2), in: folder).write(to: URL(fileURLWithPath: path))
    do {
      _ = try ImageFile.read(at: path)
      Issue.record("a vector image with half its data was read")
    } catch {
      #expect(error.description.contains("truncated: the pixel data needs \(bytes.count) bytes"), "\(error)")
    }
  }

  /// A scaled NIfTI stored as u8 (SPM's templates) is read as f32 in memory; its stored size is the u8 size.
  @Test func scaledNiftiWithASmallStoredTypeIsRead() throws {
    let folder = TemporaryFolder("hostile-scaled")
    let path = folder.file("scaled.nii")
    try ImageFile.write(SyntheticVolume.make(size: [10, 10, 5], pixelType: .u8), to: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes.replaceSubrange(112..<116, with: Self.float(2))  // scl_slope 2
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let volume = try ImageFile.read(at: path)
    #expect(volume.pixelType == .f32)
    #expect(volume.value(at: 1) == 2 * SyntheticVolume.value(1, .u8))
  }

  private func gzip(_ data: Data, in folder: TemporaryFolder) throws -> Data {
    let raw = folder.file("raw-\(UUID().uuidString)")
    try data.write(to: URL(fileURLWithPath: raw))
    let result = try run("/bin/gzip", ["-n", "-f", raw])
    #expect(result.status == 0)
    return try Data(contentsOf: URL(fileURLWithPath: raw + ".gz"))
  }
}
