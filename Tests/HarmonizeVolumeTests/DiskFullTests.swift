import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// Whether this process may mount a tmpfs (root with the capability; containers may refuse).
enum SmallDisk {
  static let canMount: Bool = {
    guard getuid() == 0 else { return false }
    let probe = TemporaryFolder("mount-probe")
    guard (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path]).status) == 0 else {
      return false
    }
    _ = try? run("/bin/umount", [probe.path])
    return true
  }()
}

/// A full disk during a write: an error naming the file and the cause, and nothing left in the folder (no partial file,
/// no temporary folder). The disk is a tmpfs of 512 KiB mounted for the test, which needs root (CI runs as root).
@Suite(
  "Disk full",
  .enabled(
    if: SmallDisk.canMount || TestEnvironment.isCI, "mounting a small tmpfs needs root (under CI=true it fails instead)"
  ))
struct DiskFullTests {
  /// A 512 KiB tmpfs at a fresh folder, unmounted when `body` returns.
  private func withSmallDisk(_ body: (TemporaryFolder) throws -> Void) throws {
    let folder = TemporaryFolder("disk-full")
    let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", folder.path])
    try #require(mounted.status == 0, "mount: \(mounted.stderr)")
    defer { _ = try? run("/bin/umount", [folder.path]) }
    try body(folder)
  }

  /// 1 MiB of random int16: no deflate level makes it fit in 512 KiB.
  private func noise() throws -> Volume {
    var volume = try Volume(geometry: Geometry(size: [64, 64, 128], spacing: [1, 1, 1]), pixelType: .i16)
    var generator = SystemRandomNumberGenerator()
    volume.withUnsafeMutableBytes { bytes in
      for i in 0..<bytes.count { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
    }
    return volume
  }

  private func expectDiskFull(
    _ path: String, _ folder: TemporaryFolder, _ body: () throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      try body()
      Issue.record("\(path): written to a full disk without an error", sourceLocation: sourceLocation)
    } catch let error as ImageFileError {
      #expect(error.path == path, sourceLocation: sourceLocation)
      #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
      #expect(
        error.description.lowercased().contains("no space left on device"), "\(error)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("\(path): \(error)", sourceLocation: sourceLocation)
    }
    #expect(folder.contents.isEmpty, "left behind: \(folder.contents)", sourceLocation: sourceLocation)
  }

  /// Every writer: ours (.nii.gz) and ITK's, uncompressed and compressed (ITK's NIfTI and MetaImage writers ignore
  /// failed writes; the read-back catches them).
  @Test(
    arguments: [
      ("out.nii.gz", nil), ("out.nii", nil), ("out.nrrd", nil), ("out.mha", nil), ("out.mhd", nil),
      ("out.nrrd", 6), ("out.mha", 6), ("out.mhd", 1),
    ] as [(String, Int?)])
  func wholeWrite(_ name: String, _ level: Int?) throws {
    let volume = try noise()
    try withSmallDisk { folder in
      expectDiskFull(folder.file(name), folder) {
        try ImageFile.write(volume, to: folder.file(name), options: WriteOptions(compressionLevel: level))
      }
    }
  }

  @Test func streamedWrite() throws {
    let volume = try noise()
    try withSmallDisk { folder in
      let path = folder.file("streamed.nii.gz")
      expectDiskFull(path, folder) {
        let planeBytes = 64 * 64 * 2
        try ImageFile.writeStreaming(header: volume.header(), to: path) { append in
          try volume.withUnsafeBytes { bytes in
            for z in 0..<128 {
              try append(UnsafeRawBufferPointer(rebasing: bytes[(z * planeBytes)..<((z + 1) * planeBytes)]))
            }
          }
        }
      }
    }
  }
}
