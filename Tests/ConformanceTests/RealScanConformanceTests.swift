import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Real scans shipped inside PyPI packages (nilearn's MNI152 2009a templates, dipy's MR test data), and variants
/// made from them with nibabel and SimpleITK: big-endian, scaled uint8, oblique, qform different from sform, a
/// .hdr/.img pair, NRRD, MetaImage, a label map, 4D. The wheels are downloaded by the test command into
/// `.cache/realscans` (never committed).
///
/// For every file SimpleITK reads: our header equals SimpleITK's, `info` equals nibabel's for NIfTI, `resample`
/// succeeds, and a symbolic link to the file gives the same image and the same bytes. A file SimpleITK refuses is refused by
/// us with one line naming it.
@Suite("Real scans from PyPI packages")
struct RealScanConformanceTests {
  static let cache = TestEnvironment.packageRoot + "/.cache/realscans"

  func facts(_ folder: TemporaryFolder) throws -> [FileFacts] {
    let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/realscans.py"
    let result = try run(TestEnvironment.python, [script, Self.cache, folder.path])
    guard result.status == 0 else { throw TestEnvironmentError("realscans.py failed: \(result.stderr.suffix(2000))") }
    return try JSONDecoder().decode([FileFacts].self, from: Data(result.stdout.utf8))
  }

  @Test func everyRealScanReadsAsSimpleITKAndNibabelReadIt() throws {
    let folder = TemporaryFolder("realscans")
    let files = try facts(folder)
    #expect(files.count >= 13, "\(files.map(\.file))")
    var read = 0
    var disagreeing: [String] = []
    for facts in files {
      let name = PathText.name(facts.file)
      guard let sitk = facts.sitk else {
        do {
          _ = try ImageFile.readHeader(at: facts.file)
          Issue.record("\(name): SimpleITK refuses it (\(facts.sitk_error ?? "")) and we read it")
        } catch {
          #expect(error.path == facts.file && !error.description.contains("\n"), "\(error)")
        }
        continue
      }
      read += 1
      let header = try ImageFile.readHeader(at: facts.file)
      expectAgreement(header, sitk, name, tolerance: 1e-4)
      guard let nibabel = facts.nibabel else { continue }
      if let warning = ImageFile.transformWarning(for: facts.file, header: header) {
        // qform and sform disagree: we read ITK's choice (as SimpleITK, above), say so, and read nibabel's with
        // --nifti-transform sform.
        disagreeing.append(name)
        #expect(warning.contains("ITK and SimpleITK use the qform, nibabel and FSL the sform"), "\(name): \(warning)")
        let result = try run(
          TestEnvironment.harmonizeBinary, ["info", "--json", "--nifti-transform", "sform", facts.file])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try #require(try JSONDecoder().decode([ImageInfo].self, from: Data(result.stdout.utf8)).first)
        expectAgreement(info, nibabel, name + " read with --nifti-transform sform")
      } else {
        expectAgreement(ImageInfo(path: facts.file, header: header), nibabel, name)
      }
    }
    #expect(read >= 12)
    #expect(disagreeing == ["t1_qform_ne_sform.nii.gz"])
  }

  @Test func everyRealScanResamplesAndALinkToItGivesTheSameBytes() throws {
    let folder = TemporaryFolder("realscans-resample")
    let files = try facts(folder).filter { $0.sitk != nil }
    let links = TemporaryFolder("realscans-links")
    for facts in files {
      let name = PathText.name(facts.file)
      let direct = folder.file("out-" + name + ".nii.gz")
      let result = try run(
        TestEnvironment.harmonizeBinary, ["resample", facts.file, direct, "--spacing", "2.5", "--no-sidecar"])
      #expect(result.status == 0, "\(name): \(result.stderr)")
      // The link sits in another folder: a detached header's data file is found next to the target, as ITK does.
      #expect(symlink(facts.file, links.file(name)) == 0)
      if name.hasSuffix(".hdr") {
        #expect(
          symlink(
            facts.file.replacingOccurrences(of: ".hdr", with: ".img"),
            links.file(name.replacingOccurrences(of: ".hdr", with: ".img"))) == 0)
      }
      let linked = links.file("out-" + name + ".nii.gz")
      let viaLink = try run(
        TestEnvironment.harmonizeBinary, ["resample", links.file(name), linked, "--spacing", "2.5", "--no-sidecar"])
      #expect(viaLink.status == 0, "\(name) through a link: \(viaLink.stderr)")
      guard result.status == 0 && viaLink.status == 0 else { continue }
      // The link gives the same image, and the same bytes (igzip broke that twice: its uninitialised history size, see
      // DeflateReproducibilityTests, and small members' bytes that depended on the address space, see
      // ReproducibleOutputTests; the explanation says where files part, which header fields differ and whether a remake
      // reproduces).
      if let difference = OutputDifference.sameImage(direct, linked) {
        Issue.record("\(name): the image through a link differs: \(difference)")
      } else if let bytes = OutputDifference.explain(
        direct, linked,
        remake: {
          _ = try run(
            TestEnvironment.harmonizeBinary, ["resample", facts.file, direct, "--spacing", "2.5", "--no-sidecar"])
        })
      {
        Issue.record("\(name): same image through a link, other bytes: \(bytes)")
      }
    }
  }
}

extension RealScanConformanceTests {
  /// What the README and `--help` say of `--sitk-compatible` on oblique grids, measured here on real scans: only ±1
  /// differences (truncation at rounding ties), in at most 2% of the voxels.
  @Test func sitkCompatibleOnObliqueRealScansDiffersOnlyByOne() throws {
    let folder = TemporaryFolder("realscans-oblique")
    let files = try facts(folder).filter { ["t1_oblique.nii.gz", "aniso_vox.nii.gz"].contains(PathText.name($0.file)) }
    #expect(files.count == 2)
    for facts in files {
      let ours = folder.file("sitk-" + PathText.name(facts.file))
      let made = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", facts.file, ours, "--spacing", "1.3", "--sitk-compatible", "--no-sidecar"])
      #expect(made.status == 0, "\(made.stderr)")
      let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/recipe_difference.py"
      let result = try run(TestEnvironment.python, [script, facts.file, ours, "1.3"])
      let numbers = try #require(
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int], "\(result.stderr)")
      let voxels = try #require(numbers["voxels"]), differ = try #require(numbers["differ"])
      print(
        "sitk-compatible, oblique \(PathText.name(facts.file)): \(differ) of \(voxels) voxels differ, largest \(numbers["largest"] ?? -1)"
      )
      #expect(numbers["largest"] ?? 99 <= 1, "\(numbers)")
      #expect(Double(differ) <= 0.02 * Double(voxels), "\(numbers)")
      #expect(numbers["edge"] == 0, "\(numbers)")
    }
  }
}
