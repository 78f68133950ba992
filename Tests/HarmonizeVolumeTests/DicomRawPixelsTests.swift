import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// The direct path for uncompressed DICOM pixel data: it finds the pixels past sequences of defined and undefined
/// length, and declines (so that GDCM reads the file) anything cut or inconsistent, never reading out of bounds.
@Suite("DICOM uncompressed pixel data")
struct DicomRawPixelsTests {
  /// An explicit VR little-endian file: meta group, a CS element, a sequence of undefined length holding an item of
  /// undefined length, then 4 x 16-bit pixels.
  func file() -> [UInt8] {
    var b = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
    func element(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8]) {
      b += [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)] + Array(vr.utf8)
      if ["OB", "OW", "SQ"].contains(vr) {
        b += [0, 0] + withUnsafeBytes(of: UInt32(value.count).littleEndian, Array.init)
      } else {
        b += withUnsafeBytes(of: UInt16(value.count).littleEndian, Array.init)
      }
      b += value
    }
    element(0x0002, 0x0010, "UI", Array("1.2.840.10008.1.2.1\0".utf8))
    element(0x0008, 0x0060, "CS", Array("CT".utf8))
    // (0008,1140) SQ, undefined length; one item, undefined length, holding (0008,1150) UI; delimiters.
    b += [0x08, 0x00, 0x40, 0x11] + Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
    b += [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
    element(0x0008, 0x1150, "UI", Array("1.2.3\0".utf8))
    b += [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]
    b += [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
    element(0x7FE0, 0x0010, "OW", [1, 0, 2, 0, 3, 0, 0xFF, 0xFF])
    return b
  }

  func slice(_ path: String) -> DicomSlice {
    var s = DicomSlice(path: path)
    s.transferSyntax = DicomRawPixels.explicitLittle
    s.rows = 2
    s.columns = 2
    s.bitsAllocated = 16
    s.bitsStored = 16
    return s
  }

  @Test func findsThePixelsPastNestedSequences() throws {
    let folder = TemporaryFolder("dicom-raw")
    try Data(file()).write(to: URL(fileURLWithPath: folder.file("a.dcm")))
    var out = [UInt16](repeating: 0, count: 4)
    let found = out.withUnsafeMutableBytes {
      DicomRawPixels.read(slice(folder.file("a.dcm")), into: $0.baseAddress!, bytes: 8)
    }
    #expect(found && out == [1, 2, 3, 0xFFFF])
  }

  @Test func cutOrDamagedFilesAreDeclinedNotMisread() throws {
    let folder = TemporaryFolder("dicom-raw-cut")
    let whole = file()
    var generator = SystemRandomNumberGenerator()
    for cut in 0..<whole.count {
      try Data(whole.prefix(cut)).write(to: URL(fileURLWithPath: folder.file("cut.dcm")))
      var out = [UInt8](repeating: 0, count: 8)
      let found = out.withUnsafeMutableBytes {
        DicomRawPixels.read(slice(folder.file("cut.dcm")), into: $0.baseAddress!, bytes: 8)
      }
      #expect(!found, "a file cut at \(cut) of \(whole.count) bytes was read")
    }
    for _ in 0..<500 {
      var damaged = whole
      let at = Int.random(in: 132..<(whole.count - 8), using: &generator)
      damaged[at] = UInt8.random(in: 0...255, using: &generator)
      try Data(damaged).write(to: URL(fileURLWithPath: folder.file("bad.dcm")))
      var out = [UInt8](repeating: 0, count: 8)
      let found = out.withUnsafeMutableBytes {
        DicomRawPixels.read(slice(folder.file("bad.dcm")), into: $0.baseAddress!, bytes: 8)
      }
      // Damage outside the pixel data either leaves them findable or makes the file declined: never other bytes.
      #expect(!found || out == Array(whole.suffix(8)), "byte \(at) damaged: read \(out)")
    }
  }
}
