import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// ITK 5.2's NIfTI library probes the name it is given for neighbours (`ct.nii` before `ct.nii.gz`, `.img` before
/// `.img.gz`) and reads the pixels of the first it finds. A NIfTI read through ITK (scaled, vector intent, pairs) read a
/// neighbour's pixels under the given file's header, and hung forever on a FIFO of the neighbour's name. SimpleITK
/// does the same. The first, third and fourth tests fail without CITK's NiftiAlias (the third by timing out).
@Suite("NIfTI files with neighbours of the same name", .serialized)
struct NiftiNeighbourTests {
  /// A scaled (ITK-read) `.nii.gz` of `value`s with scl_slope 2, written as `name` in `folder`.
  func writeScaled(_ name: String, value: Double, in folder: TemporaryFolder) throws {
    let plain = folder.file("plain-\(UUID().uuidString).nii")
    var volume = SyntheticVolume.make(size: [12, 10, 4], pixelType: .i16)
    for index in 0..<volume.valueCount { volume.setValue(value, at: index) }
    try ImageFile.write(volume, to: plain)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
    bytes.replaceSubrange(112..<116, with: withUnsafeBytes(of: Float(2).bitPattern.littleEndian) { Array($0) })
    try FileManager.default.removeItem(atPath: plain)
    let raw = folder.file("raw-\(UUID().uuidString)")
    try Data(bytes).write(to: URL(fileURLWithPath: raw))
    #expect(try run("/bin/gzip", ["-n", "-f", raw]).status == 0)
    try FileManager.default.moveItem(atPath: raw + ".gz", toPath: folder.file(name))
  }

  func distinctValues(_ volume: Volume) -> Set<Double> { Set((0..<volume.valueCount).map { volume.value(at: $0) }) }

  @Test func scaledNiftiGzIsReadFromItselfNotFromANeighbouringNii() throws {
    let folder = TemporaryFolder("neighbour-nii")
    try writeScaled("ct.nii.gz", value: 3, in: folder)
    var other = SyntheticVolume.make(size: [12, 10, 4], pixelType: .i16)
    for index in 0..<other.valueCount { other.setValue(7, at: index) }
    try ImageFile.write(other, to: folder.file("ct.nii"))
    let volume = try ImageFile.read(at: folder.file("ct.nii.gz"))
    #expect(distinctValues(volume) == [6], "3 x slope 2, not the neighbour's 7 x 2")
    #expect(distinctValues(try ImageFile.read(at: folder.file("ct.nii"))) == [7])
  }

  @Test func noLinkFolderIsLeftBehind() throws {
    let folder = TemporaryFolder("neighbour-cleanup")
    try writeScaled("ct.nii.gz", value: 3, in: folder)
    try ImageFile.write(SyntheticVolume.make(size: [12, 10, 4], pixelType: .i16), to: folder.file("ct.nii"))
    let root = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    func linkFolders() -> Set<String> {
      Set(
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("harmonize-itk-") })
    }
    let before = linkFolders()
    _ = try ImageFile.read(at: folder.file("ct.nii.gz"))
    #expect(linkFolders().subtracting(before).isEmpty)
  }

  @Test func aFifoNamedLikeTheNeighbourDoesNotBlockTheRead() throws {
    let folder = TemporaryFolder("neighbour-fifo")
    try writeScaled("ct.nii.gz", value: 3, in: folder)
    #expect(mkfifo(folder.file("ct.nii"), 0o600) == 0)
    let path = folder.file("ct.nii.gz")
    let done = DispatchSemaphore(value: 0)
    let result = LockedBox<Result<Volume, ImageFileError>?>(nil)
    Thread.detachNewThread {
      result.set(Result { () throws(ImageFileError) in try ImageFile.read(at: path) })
      done.signal()
    }
    // Without the alias the reader blocks in ITK's open of the FIFO forever; the thread is then left behind.
    guard done.wait(timeout: .now() + 30) == .success else {
      Issue.record("reading \(path) next to a FIFO named ct.nii did not finish in 30 s")
      return
    }
    #expect(try distinctValues(#require(result.get()).get()) == [6])
  }

  @Test func niftiPairImageGzIsReadFromItselfNotFromAnUncompressedImg() throws {
    let folder = TemporaryFolder("neighbour-pair")
    var ones = SyntheticVolume.make(size: [8, 8, 4], pixelType: .i16)
    for index in 0..<ones.valueCount { ones.setValue(1, at: index) }
    try ImageFile.write(ones, to: folder.file("p.hdr"))
    var fives = ones
    for index in 0..<fives.valueCount { fives.setValue(5, at: index) }
    try ImageFile.write(fives, to: folder.file("q.hdr"))
    #expect(try run("/bin/gzip", ["-n", folder.file("q.img")]).status == 0)
    try FileManager.default.moveItem(atPath: folder.file("q.img.gz"), toPath: folder.file("p.img.gz"))
    #expect(distinctValues(try ImageFile.read(at: folder.file("p.img.gz"))) == [5])
    #expect(distinctValues(try ImageFile.read(at: folder.file("p.hdr"))) == [1], "the .img before the .img.gz, as ITK")
  }
}

/// A value shared between a test and the thread it starts.
final class LockedBox<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  init(_ value: Value) { self.value = value }
  func set(_ newValue: Value) { lock.withLock { value = newValue } }
  func get() -> Value { lock.withLock { value } }
}
