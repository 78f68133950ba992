import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// MetaImage faults that ITK 5.2 reads without an error (wrong voxels, exit 0) or never finishes reading.
@Suite("Hostile MetaImage")
struct HostileMetaImageTests {
  private func expectRefused(_ path: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try ImageFile.read(at: path)
      Issue.record("\(path) was read", sourceLocation: sourceLocation)
    } catch {
      #expect(error.path == path, sourceLocation: sourceLocation)
      #expect(error.description.contains(expected), "\(error)", sourceLocation: sourceLocation)
    }
  }

  private func detached(_ folder: TemporaryFolder) throws -> (header: String, text: String, raw: Data) {
    let path = folder.file("d.mhd")
    try ImageFile.write(SyntheticVolume.make(size: [6, 5, 4], pixelType: .i16), to: path)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let rawName = folder.contents.first { $0 != "d.mhd" }!
    return (path, text, try Data(contentsOf: URL(fileURLWithPath: folder.file(rawName))))
  }

  /// Damaged zlib data: MetaIO printed "Uncompress failed" and returned success.
  @Test(arguments: [false, true])
  func damagedCompressedDataIsRefused(_ random: Bool) throws {
    let folder = TemporaryFolder("meta-zlib")
    let path = folder.file("c.mha")
    try ImageFile.write(
      SyntheticVolume.make(size: [20, 20, 10], pixelType: .i16), to: path, options: WriteOptions(compressionLevel: 6))
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let start = bytes.count - (try ImageFile.dataLength(compressedMetaImage: bytes))
    var generator = SeededGenerator(seed: 7)
    for i in (start + 40)..<min(bytes.count, start + 90) {
      bytes[i] = random ? UInt8.random(in: 0...255, using: &generator) : bytes[i] ^ 0x5a
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    expectRefused(path, "c.mha: ")
  }

  @Test func listWithAMissingSliceIsRefused() throws {
    let folder = TemporaryFolder("meta-list")
    let (header, text, raw) = try detached(folder)
    let slice = raw.count / 4
    for z in 0..<4 where z != 2 {
      try raw.subdata(in: (z * slice)..<((z + 1) * slice)).write(to: URL(fileURLWithPath: folder.file("s\(z).raw")))
    }
    let list =
      text.replacingOccurrences(
        of: #"ElementDataFile = .*"#, with: "ElementDataFile = LIST 2D", options: .regularExpression)
      + (0..<4).map { "s\($0).raw\n" }.joined()
    try list.write(toFile: header, atomically: true, encoding: .utf8)
    expectRefused(header, "its data file '\(folder.file("s2.raw"))' is missing")
  }

  @Test func patternWithAMissingFileIsRefused() throws {
    let folder = TemporaryFolder("meta-pattern")
    let (header, text, raw) = try detached(folder)
    let slice = raw.count / 4
    for z in 0..<4 where z != 3 {
      try raw.subdata(in: (z * slice)..<((z + 1) * slice)).write(to: URL(fileURLWithPath: folder.file("s\(z).raw")))
    }
    try text.replacingOccurrences(
      of: #"ElementDataFile = .*"#, with: "ElementDataFile = s%d.raw 0 3 1 2", options: .regularExpression
    )
    .write(toFile: header, atomically: true, encoding: .utf8)
    expectRefused(header, "its data file '\(folder.file("s3.raw"))' is missing")
  }

  /// A data file that is a FIFO blocked the reader forever.
  @Test func fifoDataFileIsRefused() throws {
    let folder = TemporaryFolder("meta-fifo")
    let (header, text, _) = try detached(folder)
    #expect(mkfifo(folder.file("pipe.raw"), 0o600) == 0)
    try text.replacingOccurrences(
      of: #"ElementDataFile = .*"#, with: "ElementDataFile = pipe.raw", options: .regularExpression
    )
    .write(toFile: header, atomically: true, encoding: .utf8)
    expectRefused(header, "is not a regular file")
    #expect(mkfifo(folder.file("pipe.nii.gz"), 0o600) == 0)
    expectRefused(folder.file("pipe.nii.gz"), "not a regular file")
  }

  /// ITK's MetaIO parse is quadratic in NDims (32 s at 100,000): refused before ITK sees it.
  @Test func absurdDimensionCountIsRefusedQuickly() throws {
    let folder = TemporaryFolder("meta-ndims")
    let path = folder.file("n.mha")
    try "ObjectType = Image\nNDims = 1000000\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n\0\0\0\0"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let start = Date()
    expectRefused(path, "NDims must be 1 to 16, not 1000000")
    #expect(Date().timeIntervalSince(start) < 5)
  }
}

/// A small deterministic generator for seeded corruption.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }
}

extension ImageFile {
  /// Bytes after the `ElementDataFile = LOCAL` line of a MetaImage.
  static func dataLength(compressedMetaImage bytes: [UInt8]) throws -> Int {
    let marker = Array("ElementDataFile = LOCAL\n".utf8)
    guard let at = (0...(bytes.count - marker.count)).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker })
    else {
      throw TestEnvironmentError("no LOCAL data in the MetaImage")
    }
    return bytes.count - at - marker.count
  }
}

extension HostileMetaImageTests {
  /// A detached header naming a data file outside its folder is read (it may be intended) but said out loud; batch
  /// refuses it (BatchResumeTests).
  @Test func dataFileOutsideTheHeadersFolderIsSaid() throws {
    let data = TemporaryFolder("meta-outside-data")
    let headers = TemporaryFolder("meta-outside-header")
    try ImageFile.write(SyntheticVolume.make(size: [6, 5, 4], pixelType: .i16), to: data.file("d.mhd"))
    let raw = try #require(data.contents.first { $0 != "d.mhd" })
    let text = try String(contentsOfFile: data.file("d.mhd"), encoding: .utf8)
    try text.replacingOccurrences(of: "ElementDataFile = \(raw)", with: "ElementDataFile = \(data.file(raw))")
      .write(toFile: headers.file("x.mhd"), atomically: true, encoding: .utf8)
    let header = try ImageFile.readHeader(at: headers.file("x.mhd"))
    #expect(
      ImageFile.readWarnings(for: headers.file("x.mhd"), header: header) == [
        "its data file '\(data.file(raw))' lies outside the header's folder"
      ])
    #expect(ImageFile.readWarnings(for: data.file("d.mhd"), header: header).isEmpty)
  }
}

extension HostileMetaImageTests {
  /// A MetaImage header MetaIO cannot parse was reported by ITK as "No such file or directory" for a file that is
  /// there; the message now says so and carries what MetaIO printed (which never reaches the terminal).
  @Test func unparsableHeaderSaysWhyNotMissing() throws {
    let folder = TemporaryFolder("meta-unparsable")
    let path = folder.file("bad.mha")
    try "ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\n\0\0\0\0\0\0\0\0".write(
      toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ImageFile.readHeader(at: path)
      Issue.record("an unparsable MetaImage header was read")
    } catch {
      #expect(!error.description.contains("No such file"), "\(error)")
      #expect(
        error.description.contains(
          "its header could not be parsed (the reader said: ElementDataFile required and not defined"), "\(error)")
    }
  }
}
