import Foundation
import Testing
import _HarmonizeTestSupport
@testable import HarmonizeVolume

@Suite("Header-only reads")
struct HeaderOnlyReadTests {
  /// A header read must not touch pixel data: with the pixel data cut off, the header still reads, while a full
  /// read fails as corrupt.
  @Test(arguments: [".nii", ".nrrd", ".mha"])
  func headerReadsWithoutPixelData(_ ending: String) throws {
    let folder = TemporaryFolder("headeronly")
    let path = folder.file("cut\(ending)")
    let volume = SyntheticVolume.make(size: [40, 30, 20], spacing: [0.7, 0.7, 2.5], pixelType: .i16)
    try ImageFile.write(volume, to: path)
    let full = try Data(contentsOf: URL(fileURLWithPath: path))
    // Keep the header and a tenth of the pixels.
    try full.prefix(full.count - volume.byteCount * 9 / 10).write(to: URL(fileURLWithPath: path))

    let header = try ImageFile.readHeader(at: path)
    #expect(header.geometry.size == [40, 30, 20])
    #expect(header.pixelType == .i16)
    #expect(throws: ImageFileError.self) { try ImageFile.read(at: path) }
  }

  @Test func headerOfDetachedFormatReadsWithoutItsDataFile() throws {
    let folder = TemporaryFolder("detached")
    try ImageFile.write(SyntheticVolume.make(size: [5, 5, 5], pixelType: .u8), to: folder.file("d.mhd"))
    let dataFiles = folder.contents.filter { $0 != "d.mhd" }
    #expect(dataFiles.count == 1)
    try FileManager.default.removeItem(atPath: folder.file(dataFiles[0]))
    #expect(try ImageFile.readHeader(at: folder.file("d.mhd")).geometry.size == [5, 5, 5])
    #expect(throws: ImageFileError.self) { try ImageFile.read(at: folder.file("d.mhd")) }
  }

  @Test func readRespectsMemoryLimit() throws {
    let folder = TemporaryFolder("limit")
    try ImageFile.write(SyntheticVolume.make(size: [32, 32, 32], pixelType: .f32), to: folder.file("v.nii"))
    #expect(throws: ImageFileError.self) { try ImageFile.read(at: folder.file("v.nii"), maxBytes: 1000) }
    do {
      _ = try ImageFile.read(at: folder.file("v.nii"), maxBytes: 1000)
    } catch {
      guard case .tooLarge(let text) = error.reason else { Issue.record("expected tooLarge, got \(error)"); return }
      #expect(text.contains("128 KiB"))
    }
  }
}
