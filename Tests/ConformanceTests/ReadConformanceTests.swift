import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Files written by SimpleITK, and nibabel's own bundled test images, read by us: same geometry as SimpleITK,
/// same affine and axis codes as nibabel, same voxels as both.
@Suite("Reading what SimpleITK and nibabel wrote")
struct ReadConformanceTests {
  @Test func imagesWrittenBySimpleITK() throws {
    let folder = TemporaryFolder("sitk-written")
    let files = try conformance(["make", folder.path])
    #expect(files.count >= 41)
    for facts in files {
      let sitk = try #require(facts.sitk, "\(facts.file): \(facts.sitk_error ?? "")")
      let header = try ImageFile.readHeader(at: facts.file)
      expectAgreement(header, sitk, facts.file)
      let info = ImageInfo(path: facts.file, header: header)
      if let nibabel = facts.nibabel { expectAgreement(info, nibabel, facts.file) }
      #expect(try voxelsEqual(ImageFile.read(at: facts.file), rawPath: facts.file + ".raw"), "\(facts.file): voxels")
    }
  }

  @Test func nibabelBundledImages() throws {
    let folder = TemporaryFolder("nibabel-data")
    let files = try conformance(["nibabel-data", folder.path])
    let names = files.map { URL(fileURLWithPath: $0.file).lastPathComponent }
    #expect(names.contains("example4d.nii.gz") && names.contains("anatomical.nii"))
    for facts in files {
      let name = URL(fileURLWithPath: facts.file).lastPathComponent
      guard let sitk = facts.sitk else {
        // SimpleITK cannot read it (NIfTI-2, CIFTI): we must refuse it with one line, not crash or misread.
        #expect(throws: ImageFileError.self, "\(name): SimpleITK refuses it (\(facts.sitk_error ?? "")), so must we") {
          _ = try ImageFile.readHeader(at: facts.file)
        }
        continue
      }
      let header = try ImageFile.readHeader(at: facts.file)
      expectAgreement(header, sitk, name)
      expectAgreement(ImageInfo(path: facts.file, header: header), try #require(facts.nibabel), name)
      let volume = try ImageFile.read(at: facts.file)
      let nibabelType = facts.nibabel?.dtype.replacingOccurrences(of: ">", with: "").replacingOccurrences(
        of: "<", with: "")
      if nibabelType == header.pixelType.numpyName, let raw = facts.raw {
        #expect(try voxelsEqual(volume, rawPath: raw), "\(name): voxels differ from nibabel's")
      }
    }
  }

  /// Issue 2's "done when": `harmonize info` on nibabel's example4d.nii.gz prints its 4D geometry as nibabel does.
  @Test func infoOfExample4DMatchesNibabel() throws {
    let folder = TemporaryFolder("ex4d")
    let files = try conformance(["nibabel-data", folder.path])
    let facts = try #require(files.first { $0.file.hasSuffix("/example4d.nii.gz") })
    let result = try run(TestEnvironment.harmonizeBinary, ["info", "--json", facts.file])
    #expect(result.status == 0)
    let infos = try JSONDecoder().decode([ImageInfo].self, from: Data(result.stdout.utf8))
    let info = try #require(infos.first)
    let nibabel = try #require(facts.nibabel)
    #expect(info.dimension == 4)
    #expect(info.size == [128, 96, 24, 2])
    expectAgreement(info, nibabel, "example4d.nii.gz")
  }
}
