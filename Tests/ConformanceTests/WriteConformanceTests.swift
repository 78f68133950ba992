import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Files we write, read back by SimpleITK and nibabel with the geometry and voxels we wrote.
@Suite("SimpleITK and nibabel reading what we wrote")
struct WriteConformanceTests {
  private func dump(_ volume: Volume, _ path: String) throws {
    try volume.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path + ".raw"))
  }

  /// Our multi-member .nii.gz (header member, then 4 MiB pixel members compressed in parallel) is one valid gzip
  /// stream for gzip itself and Python's gzip module.
  @Test func multiMemberNiftiGzipIsAValidGzipStream() throws {
    let folder = TemporaryFolder("gzip")
    let path = folder.file("big.nii.gz")
    // 5 MiB: two pixel members
    let volume = SyntheticVolume.make(size: [256, 256, 40], spacing: [0.5, 0.5, 2], pixelType: .i16)
    try ImageFile.write(volume, to: path)
    let gzip = try run("/bin/gzip", ["-t", path])
    #expect(gzip.status == 0, "\(gzip.stderr)")
    let python = try run(
      TestEnvironment.python, ["-c", "import gzip, sys; print(len(gzip.open(sys.argv[1]).read()))", path])
    #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(352 + volume.byteCount))
  }

  @Test func everyPixelTypeAndFormatReadsBackInBothTools() throws {
    let folder = TemporaryFolder("we-wrote")
    var written: [(String, Volume)] = []
    for type in PixelType.allCases {
      for ending in [".nii.gz", ".nii", ".nrrd", ".mha"] {
        let volume = SyntheticVolume.make(
          size: [9, 7, 5], spacing: [0.7, 0.8, 2.5], origin: [-91.5, 120.25, -33],
          direction: SyntheticVolume.obliqueDirection(degrees: 11), pixelType: type)
        written.append((folder.file("ours_\(type)\(ending)"), volume))
      }
    }
    for (name, direction) in [
      ("flipped", [-1.0, 0, 0, 0, -1, 0, 0, 0, 1]), ("permuted", [0.0, 0, 1, 1, 0, 0, 0, 1, 0]),
      ("sagittal", [0.0, 0, -1, 1, 0, 0, 0, -1, 0]),
    ] {
      written.append(
        (
          folder.file("ours_\(name).nii.gz"),
          SyntheticVolume.make(
            size: [5, 6, 7], spacing: [1.1, 0.9, 3], origin: [10, -20, 30.5], direction: direction)
        ))
    }
    written.append(
      (
        folder.file("ours_2d.nii.gz"),
        SyntheticVolume.make(size: [10, 12], spacing: [0.25, 0.5], origin: [3, -4], pixelType: .f32)
      ))
    var direction4 = Geometry.identity(4)
    let oblique = SyntheticVolume.obliqueDirection()
    for r in 0..<3 { for c in 0..<3 { direction4[r * 4 + c] = oblique[r * 3 + c] } }
    written.append(
      (
        folder.file("ours_4d.nii.gz"),
        SyntheticVolume.make(
          size: [6, 5, 4, 3], spacing: [1.5, 1.5, 2, 2000],
          origin: [1, 2, 3, 0], direction: direction4)
      ))
    for ending in [".nrrd", ".mha"] {
      written.append(
        (folder.file("ours_vector\(ending)"), SyntheticVolume.make(size: [4, 5, 6], pixelType: .f32, components: 3)))
    }
    for (path, volume) in written {
      try ImageFile.write(volume, to: path)
      try dump(volume, path)
    }

    let facts = try conformance(["inspect"] + written.map { "\($0.0)=\($0.0).raw" })
    #expect(facts.count == written.count)
    for (fileFacts, (path, volume)) in zip(facts, written) {
      let sitk = try #require(fileFacts.sitk, "\(path): SimpleITK cannot read it: \(fileFacts.sitk_error ?? "")")
      expectAgreement(volume.header(), sitk, path)
      #expect(sitk.voxels_equal == true, "\(path): SimpleITK reads other voxels")
      if path.hasSuffix(".nii") || path.hasSuffix(".nii.gz") {
        let nibabel = try #require(
          fileFacts.nibabel, "\(path): nibabel cannot read it: \(fileFacts.nibabel_error ?? "")")
        expectAgreement(ImageInfo(path: path, header: volume.header()), nibabel, path)
        #expect(nibabel.voxels_equal == true, "\(path): nibabel reads other voxels")
      }
    }
  }
}
