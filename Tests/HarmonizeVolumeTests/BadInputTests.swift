import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// One test per bad-input bullet of the foundation issue. Each asserts a one-line message that names the file and
/// the problem, and where something is written, that nothing is left behind.
@Suite("Bad input")
struct BadInputTests {
  /// The error `body` throws, or a recorded issue when it does not throw an `ImageFileError`.
  private func failure(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ImageFileError?
  {
    do {
      try body()
      Issue.record("expected an ImageFileError, none was thrown", sourceLocation: sourceLocation)
    } catch let error as ImageFileError {
      #expect(!error.description.contains("\n"), "message must be one line: \(error)", sourceLocation: sourceLocation)
      return error
    } catch {
      Issue.record("expected an ImageFileError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }

  private func writeGoodNifti(_ folder: TemporaryFolder, _ name: String = "good.nii") throws -> String {
    let path = folder.file(name)
    try ImageFile.write(SyntheticVolume.make(size: [6, 5, 4], spacing: [0.7, 0.7, 2.5], pixelType: .i16), to: path)
    return path
  }

  /// Resident memory of this process in bytes, from /proc/self/statm.
  private func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    return (Int(text.split(separator: " ")[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  @Test func missingFile() {
    let path = "/nonexistent/harmonize/missing.nii.gz"
    let error = failure { _ = try ImageFile.read(at: path) }
    #expect(error?.reason == .notFound)
    #expect(error?.description == "\(path): no such file")
  }

  @Test func emptyFile() throws {
    let folder = TemporaryFolder("empty")
    let path = folder.file("empty.nii.gz")
    #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    let error = failure { _ = try ImageFile.readHeader(at: path) }
    #expect(error?.description == "\(path): empty file, not a valid NIfTI image")
  }

  @Test func truncatedCompressedNifti() throws {
    let folder = TemporaryFolder("truncated")
    let path = try writeGoodNifti(folder, "whole.nii.gz")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    // Cut inside the pixel data: the header still reads, the pixels must not.
    let cut = folder.file("cut.nii.gz")
    try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
    let error = failure { _ = try ImageFile.read(at: cut) }
    #expect(error?.path == cut)
    #expect(error?.detail.hasPrefix("truncated: ") == true, "\(String(describing: error))")
    // Cut inside the header: nothing reads.
    let stub = folder.file("stub.nii.gz")
    try bytes.prefix(40).write(to: URL(fileURLWithPath: stub))
    let headerError = failure { _ = try ImageFile.readHeader(at: stub) }
    #expect(headerError?.path == stub)
  }

  /// A wrong gzip CRC is an error, whether zlib meets it while ITK recognises a small file or at the end of a large one.
  @Test(arguments: [[6, 5, 4], [96, 96, 48]])
  func corruptChecksumInCompressedNifti(_ size: [Int]) throws {
    let folder = TemporaryFolder("crc")
    let path = folder.file("crc.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: size, pixelType: .i16), to: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count - 6] ^= 0xff  // inside the gzip trailer's CRC-32
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let error = failure { _ = try ImageFile.read(at: path) }
    #expect(error?.description.hasPrefix("\(path): corrupt compressed data") == true, "\(String(describing: error))")
  }

  /// Bytes after the last gzip member are an error (zlib's gzread ignores them); a file of several members is fine.
  @Test(arguments: [[6, 5, 4], [200, 160, 60]])
  func trailingGarbageAfterTheGzipStream(_ size: [Int]) throws {
    let folder = TemporaryFolder("garbage")
    let path = folder.file("garbage.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: size, pixelType: .i16), to: path)
    _ = try ImageFile.read(at: path)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((1...20).map { UInt8($0) }))
    try handle.close()
    let error = failure { _ = try ImageFile.read(at: path) }
    #expect(error?.description == "\(path): trailing data after the gzip stream (20 bytes)")
  }

  @Test func truncatedUncompressedFilesAreNotReadShort() throws {
    // ITK 5.2 would return a silently short volume for these.
    let folder = TemporaryFolder("short")
    for name in ["short.nii", "short.mha"] {
      let path = folder.file(name)
      try ImageFile.write(SyntheticVolume.make(size: [20, 20, 20], pixelType: .i16), to: path)
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      try bytes.dropLast(10).write(to: URL(fileURLWithPath: path))
      let error = failure { _ = try ImageFile.read(at: path) }
      #expect(
        error?.description.hasPrefix("\(path): truncated: the pixel data needs") == true, "\(String(describing: error))"
      )
    }
  }

  /// ITK's MetaImage reader inflates whatever part of a compressed file is there; its CompressedDataSize tells.
  @Test func truncatedCompressedMetaImageIsNotReadShort() throws {
    let folder = TemporaryFolder("short-mha")
    let path = folder.file("short.mha")
    try ImageFile.write(
      SyntheticVolume.make(size: [40, 40, 40], pixelType: .i16), to: path, options: WriteOptions(compressionLevel: 6))
    _ = try ImageFile.read(at: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.dropLast(bytes.count / 4).write(to: URL(fileURLWithPath: path))
    let error = failure { _ = try ImageFile.read(at: path) }
    #expect(
      error?.description.hasPrefix("\(path): truncated: the pixel data needs") == true, "\(String(describing: error))")
  }

  @Test func randomBytesWithNiftiName() throws {
    let folder = TemporaryFolder("random")
    let path = folder.file("noise.nii")
    var generator = SystemRandomNumberGenerator()
    try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
    let error = failure { _ = try ImageFile.read(at: path) }
    #expect(
      error?.description.hasPrefix("\(path): not a NIfTI-1 header: sizeof_hdr is ") == true,
      "\(String(describing: error))")
  }

  @Test(arguments: [
    (
      "huge.mha",
      "ObjectType = Image\nNDims = 3\nDimSize = 2147483648 2147483648 2147483648\nElementType = MET_UCHAR\nElementSpacing = 1 1 1\nElementDataFile = LOCAL\n"
    ),
    (
      "huge.nrrd",
      "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2147483648 2147483648 2147483648\nspacings: 1 1 1\nencoding: raw\n\n"
    ),
    (
      "large.mha",
      "ObjectType = Image\nNDims = 3\nDimSize = 2147483648 2147483648 1\nElementType = MET_UCHAR\nElementSpacing = 1 1 1\nElementDataFile = LOCAL\n"
    ),
  ])
  func headerClaimingHugeSizesAllocatesNothing(_ name: String, _ header: String) throws {
    let folder = TemporaryFolder("huge")
    let path = folder.file(name)
    try Data((header + String(repeating: "x", count: 256)).utf8).write(to: URL(fileURLWithPath: path))
    let before = residentBytes()
    let error = failure { _ = try ImageFile.read(at: path, maxBytes: Int.max) }
    #expect(residentBytes() - before < 64 << 20, "a corrupt header must not make us allocate what it claims")
    #expect(error?.path == path)
    switch error?.reason {
    case .tooLarge, .corrupt: break
    default: Issue.record("expected tooLarge or corrupt, got \(String(describing: error))")
    }
    // The header read alone already refuses it, so nothing is allocated.
    #expect(throws: ImageFileError.self) { try ImageFile.readHeader(at: path) }
  }

  @Test func niftiHeaderClaimingMoreThanTheFileHolds() throws {
    let folder = TemporaryFolder("niftihuge")
    let path = try writeGoodNifti(folder)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    for axis in 1...3 {
      bytes[40 + 2 * axis] = 0xff
      bytes[41 + 2 * axis] = 0x7f
    }  // dim = 32767 each
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let error = failure { _ = try ImageFile.read(at: path, maxBytes: Int.max) }
    #expect(
      error?.description.contains("truncated: the pixel data needs 70362301923678 bytes on disk") == true,
      "\(String(describing: error))")
  }

  @Test(arguments: [Float(0), Float(-0.7), Float.nan])
  func niftiSpacingMustBeFiniteAndPositive(_ pixdim: Float) throws {
    let folder = TemporaryFolder("spacing")
    let path = try writeGoodNifti(folder)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // pixdim[2]
    withUnsafeBytes(of: pixdim.bitPattern.littleEndian) { for (k, b) in $0.enumerated() { bytes[84 + k] = b } }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let error = failure { _ = try ImageFile.readHeader(at: path) }
    #expect(
      error?.description.hasPrefix("\(path): spacing (NIfTI pixdim) must be finite and > 0, not (0.7, ") == true,
      "\(String(describing: error))")
  }

  /// NRRD's own "nan" spacing means "unknown" in its specification and ITK reads it as 1 mm, so NRRD is tested
  /// with 0 and -1 only.
  @Test(arguments: ["0", "-1", "nan"])
  func metaImageAndNrrdSpacingMustBeFiniteAndPositive(_ value: String) throws {
    let folder = TemporaryFolder("spacing2")
    let mha = folder.file("s.mha")
    try Data(
      "ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\nElementSpacing = 1 \(value) 1\nElementDataFile = LOCAL\n12345678"
        .utf8
    )
    .write(to: URL(fileURLWithPath: mha))
    let error = failure { _ = try ImageFile.readHeader(at: mha) }
    #expect(error?.path == mha)
    // MetaIO cannot parse "nan" at all: the header is refused with what it printed.
    #expect(
      error?.detail.contains("spacing") == true || error?.detail.contains("orthonormal") == true
        || (value == "nan" && error?.detail.contains("its header could not be parsed") == true),
      "\(String(describing: error))")
    if value == "nan" { return }
    let nrrd = folder.file("s.nrrd")
    try Data(
      "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nspacings: 1 \(value) 1\nencoding: raw\n\n12345678".utf8
    )
    .write(to: URL(fileURLWithPath: nrrd))
    let nrrdError = failure { _ = try ImageFile.readHeader(at: nrrd) }
    #expect(nrrdError?.path == nrrd)
  }

  @Test func unsupportedExtension() throws {
    let folder = TemporaryFolder("ext")
    let good = try writeGoodNifti(folder)
    let renamed = folder.file("scan.xyz")
    try FileManager.default.copyItem(atPath: good, toPath: renamed)
    let readError = failure { _ = try ImageFile.read(at: renamed) }
    if case .unsupportedFormat = readError?.reason {
    } else {
      Issue.record("expected unsupportedFormat, got \(String(describing: readError))")
    }
    let out = folder.file("out.xyz")
    let writeError = failure { try ImageFile.write(SyntheticVolume.make(size: [2, 2, 2]), to: out) }
    #expect(writeError?.description.hasPrefix("\(out): unsupported output file type") == true)
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func missingOutputFolder() {
    let out = "/nonexistent-harmonize-folder/out.nii.gz"
    let error = failure { try ImageFile.write(SyntheticVolume.make(size: [2, 2, 2]), to: out) }
    #expect(error?.description == "\(out): cannot write: folder '/nonexistent-harmonize-folder' does not exist")
  }

  @Test func unwritableOutputFolder() {
    // /proc refuses new files even to root, so this holds on CI, where tests run as root and chmod does not bite.
    let out = "/proc/harmonize-out.nii.gz"
    let error = failure { try ImageFile.write(SyntheticVolume.make(size: [2, 2, 2]), to: out) }
    #expect(error?.path == out)
    if case .io = error?.reason {} else { Issue.record("expected io, got \(String(describing: error))") }
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func failedWriteLeavesNoPartialOrTemporaryFile() throws {
    let folder = TemporaryFolder("partial")
    // PNG cannot hold 3D float64 pixels: ITK fails inside the write.
    let out = folder.file("slice.png")
    let error = failure { try ImageFile.write(SyntheticVolume.make(size: [4, 4, 4], pixelType: .f64), to: out) }
    #expect(error?.path == out)
    #expect(folder.contents.isEmpty, "left behind: \(folder.contents)")
  }

  @Test func directoryIsNotAnImage() throws {
    let folder = TemporaryFolder("dir")
    let error = failure { _ = try ImageFile.readHeader(at: folder.path) }
    // A folder may be a DICOM series: one without a DICOM image in it is named as a directory.
    #expect(
      error?.description
        == "\(folder.path): is a directory, not an image file, and holds no DICOM image (0 other files); give an image file or a DICOM series folder"
    )
  }
}
