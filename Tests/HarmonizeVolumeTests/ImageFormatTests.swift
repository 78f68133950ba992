import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

@Suite("ImageFormat")
struct ImageFormatTests {
  @Test func endingsAreReadLongestFirstAndCaseInsensitively() {
    #expect(ImageFormat(path: "/a/b/CT.NII.GZ") == .niftiGz)
    #expect(ImageFormat(path: "ct.nii") == .nifti)
    #expect(ImageFormat(path: "x.gipl.gz") == .giplGz)
    #expect(ImageFormat(path: "d.mhd") == .metaImageDetached)
    #expect(ImageFormat(path: "x.gz") == nil)
    #expect(ImageFormat(path: ".nii.gz") == nil, "a name that is only an ending")
    #expect(ImageFormat(path: "notes.txt") == nil)
  }

  @Test func factsFollowTheFormat() {
    #expect(
      ImageFormat.allCases.filter(\.isWritable).map(\.ending) == [
        ".nii.gz", ".nii", ".hdr", ".img", ".nrrd", ".nhdr", ".mha", ".mhd",
      ])
    #expect(
      ImageFormat.niftiGz.compressionLevels == 1...12 && ImageFormat.nrrd.compressionLevels == 1...9
        && ImageFormat.nifti.compressionLevels == nil)
    #expect(ImageFormat.allCases.filter(\.streamsPixels) == [.niftiGz, .nifti])
    #expect(
      ImageFormat.allCases.filter(\.hasDetachedData) == [.niftiPair, .niftiPairData, .nrrdDetached, .metaImageDetached])
    #expect(!ImageFormat.caseFormats.contains(.niftiPair) && !ImageFormat.caseFormats.contains(.niftiPairData))
    #expect(ImageFormat.batchOutputs.allSatisfy { $0.isWritable })
  }

  /// Every writable format round-trips through ImageFile: an oblique int16 volume with distinct voxel values comes back
  /// with the same geometry (to float32 header precision) and the same voxels.
  @Test(arguments: ImageFormat.allCases.filter(\.isWritable))
  func everyWritableFormatRoundTrips(_ format: ImageFormat) throws {
    let folder = TemporaryFolder("format")
    let path = folder.file("x" + format.ending)
    let volume = SyntheticVolume.make(
      size: [3, 4, 5], spacing: [0.5, 1, 2], origin: [-10.5, 3.25, 7], direction: SyntheticVolume.obliqueDirection())
    try ImageFile.write(volume, to: path)
    let back = try ImageFile.read(at: path)
    #expect(back.pixelType == .i16 && back.geometry.size == [3, 4, 5])
    #expect(try ImageFile.readHeader(at: path).format == format.family)
    #expect(back.geometry.difference(from: volume.geometry) == nil, "\(format.ending): geometry")
    #expect(
      (0..<volume.valueCount).allSatisfy { back.value(at: $0) == volume.value(at: $0) }, "\(format.ending): voxels")
  }
}
