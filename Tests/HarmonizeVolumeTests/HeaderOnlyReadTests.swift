import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

@Suite("Header-only reads")
struct HeaderOnlyReadTests {
  /// A header read must not touch pixel data: with the pixel data cut off, the header still reads, while a full
  /// read fails as corrupt. (An uncompressed NIfTI is measured against its file size at the header already: see
  /// `uncompressedNiftiCutShortIsRefusedAtTheHeader`.)
  @Test(arguments: [".nrrd", ".mha"])
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

  /// The stat of a file is as cheap as its header: a `.nii` shorter than vox_offset + its pixel bytes is refused
  /// before any pixel is read, so that fingerprint and check do not accept a case that cannot be read.
  @Test func uncompressedNiftiCutShortIsRefusedAtTheHeader() throws {
    let folder = TemporaryFolder("headeronly")
    let path = folder.file("cut.nii")
    let volume = SyntheticVolume.make(size: [40, 30, 20], spacing: [0.7, 0.7, 2.5], pixelType: .i16)
    try ImageFile.write(volume, to: path)
    let full = try Data(contentsOf: URL(fileURLWithPath: path))
    try full.prefix(full.count - volume.byteCount * 9 / 10).write(to: URL(fileURLWithPath: path))
    #expect(throws: ImageFileError.self) { try ImageFile.readHeader(at: path) }
    do {
      _ = try ImageFile.readHeader(at: path)
    } catch {
      #expect(
        error.description
          == "\(path): truncated: the pixel data needs \(full.count) bytes on disk but the file has \(full.count - volume.byteCount * 9 / 10)"
      )
    }
  }

  /// A detached header whose data file is gone is refused at the header, naming the data file: a case that cannot be
  /// read must not pass `check` or `fingerprint`.
  @Test func headerOfDetachedFormatNamesItsMissingDataFile() throws {
    let folder = TemporaryFolder("detached")
    try ImageFile.write(SyntheticVolume.make(size: [5, 5, 5], pixelType: .u8), to: folder.file("d.mhd"))
    let dataFiles = folder.contents.filter { $0 != "d.mhd" }
    #expect(dataFiles.count == 1)
    try FileManager.default.removeItem(atPath: folder.file(dataFiles[0]))
    do {
      _ = try ImageFile.readHeader(at: folder.file("d.mhd"))
      Issue.record("a header whose data file is missing was read")
    } catch {
      #expect(error.description == "\(folder.file("d.mhd")): its data file '\(folder.file(dataFiles[0]))' is missing")
    }
  }

  @Test func readRespectsMemoryLimit() throws {
    let folder = TemporaryFolder("limit")
    try ImageFile.write(SyntheticVolume.make(size: [32, 32, 32], pixelType: .f32), to: folder.file("v.nii"))
    #expect(throws: ImageFileError.self) { try ImageFile.read(at: folder.file("v.nii"), maxBytes: 1000) }
    do {
      _ = try ImageFile.read(at: folder.file("v.nii"), maxBytes: 1000)
    } catch {
      guard case .tooLarge(let text) = error.reason else {
        Issue.record("expected tooLarge, got \(error)")
        return
      }
      #expect(text.contains("128 KiB"))
    }
  }
}
