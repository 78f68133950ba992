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
      ImageFormat.allCases.filter(\.isWritable).map(\.ending) == [".nii.gz", ".nii", ".nrrd", ".nhdr", ".mha", ".mhd"])
    #expect(
      ImageFormat.niftiGz.compressionLevels == 1...12 && ImageFormat.nrrd.compressionLevels == 1...9
        && ImageFormat.nifti.compressionLevels == nil)
    #expect(ImageFormat.allCases.filter(\.streamsPixels) == [.niftiGz, .nifti])
    #expect(ImageFormat.allCases.filter(\.hasDetachedData) == [.niftiPair, .nrrdDetached, .metaImageDetached])
    #expect(!ImageFormat.caseFormats.contains(.niftiPair))
    #expect(ImageFormat.batchOutputs.allSatisfy { $0.isWritable })
  }

  /// Every writable format round-trips through ImageFile (the writer and reader the format names exist).
  @Test(arguments: ImageFormat.allCases.filter(\.isWritable))
  func everyWritableFormatRoundTrips(_ format: ImageFormat) throws {
    let folder = TemporaryFolder("format")
    let path = folder.file("x" + format.ending)
    let volume = try Volume(geometry: Geometry(size: [3, 4, 5], spacing: [0.5, 1, 2]), pixelType: .i16)
    try ImageFile.write(volume, to: path)
    let header = try ImageFile.readHeader(at: path)
    #expect(header.format == format.family && header.geometry.size == [3, 4, 5])
  }
}
