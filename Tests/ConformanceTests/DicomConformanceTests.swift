import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// DICOM series written by pydicom from real CT and MR volumes (Tests/ConformanceTests/python/dicom_series.py), and
/// the real DICOM files shipped inside pydicom: harmonize's volumes equal SimpleITK's series reader and Debian's
/// dcm2niix in physical space (voxel centres within 1e-4 mm, every voxel), every seeded geometry fault is refused
/// with a line naming it, and nothing a malformed file does to GDCM reaches the process.
@Suite("DICOM against SimpleITK and dcm2niix", .serialized)
struct DicomConformanceTests {
  struct Case: Decodable {
    let name: String
    let folder: String
    let series: String?
    let problems: [String]
  }

  static let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/dicom_series.py"

  func build(_ folder: TemporaryFolder) throws -> [Case] {
    let made = try run(TestEnvironment.python, [Self.script, "build", RealScanConformanceTests.cache, folder.path])
    guard made.status == 0 else { throw TestEnvironmentError("dicom_series.py build: \(made.stderr.suffix(2000))") }
    return try JSONDecoder().decode([Case].self, from: Data(made.stdout.utf8))
  }

  struct Comparison: Decodable {
    let problems: [String]
    let descrip: String?
  }

  /// SimpleITK's and dcm2niix's readings of the series `uid` in `folder` against our output.
  func compare(_ folder: String, uid: String, _ ours: String) throws -> Comparison {
    let result = try run(TestEnvironment.python, [Self.script, "compare", folder, uid, ours])
    guard result.status == 0 else { throw TestEnvironmentError("compare: \(result.stderr.suffix(2000))") }
    return try JSONDecoder().decode(Comparison.self, from: Data(result.stdout.utf8))
  }

  func harmonize(_ arguments: [String]) throws -> ProcessResult { try run(TestEnvironment.harmonizeBinary, arguments) }

  /// The series a case converts: info's listing of the folder, picked by the case's selector.
  func seriesUID(_ c: Case) throws -> String {
    let listing = try harmonize(["info", "--json", c.folder])
    let infos = try JSONDecoder().decode([ImageInfo].self, from: Data(listing.stdout.utf8))
    let facts = try #require(
      infos.compactMap(\.dicom).first {
        c.series == nil || $0.uid == c.series || $0.number.map(String.init) == c.series
      })
    return facts.uid
  }

  @Test func seriesConvertAsSimpleITKAndDcm2niixReadThemAndFaultsAreRefused() throws {
    let folder = TemporaryFolder("dicom-cases")
    let cases = try build(folder)
    #expect(cases.count == 13)
    for (index, c) in cases.enumerated() {
      let out = folder.file("out-\(index).nii.gz")
      let made = try harmonize(["convert", c.folder, out] + (c.series.map { ["--series", $0] } ?? []))
      if c.problems.isEmpty {
        #expect(made.status == 0, "\(c.name): \(made.stderr)")
        guard made.status == 0 else { continue }
        let comparison = try compare(c.folder, uid: try seriesUID(c), out)
        #expect(comparison.problems.isEmpty, "\(c.name): \(comparison.problems)")
        #expect(comparison.descrip == "", "\(c.name): patient data in descrip: \(comparison.descrip ?? "")")
      } else {
        let lines = made.stderr.split(separator: "\n")
        #expect(made.status == 2 && lines.count == 1, "\(c.name): \(made.status) \(made.stderr)")
        for word in c.problems {
          #expect(made.stderr.contains(word), "\(c.name): '\(word)' not in: \(made.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out), "\(c.name): a refused series left an output")
      }
    }
  }

  /// pydicom's own files: real CT, MR and RT dose, uncompressed and in RLE, JPEG-LS and JPEG 2000 (lossless: the
  /// same voxels as the uncompressed MR), a real multi-series DICOMDIR tree; malformed ones fail alone, no crash.
  @Test func pydicomsRealFiles() throws {
    let located = try run(
      TestEnvironment.python, ["-c", "import pydicom, os; print(os.path.dirname(pydicom.__file__))"])
    let files = located.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/data/test_files"
    let folder = TemporaryFolder("dicom-pydicom")
    for name in ["CT_small.dcm", "MR_small.dcm", "rtdose.dcm"] {
      // One file in a folder of its own: the oracles read folders.
      let own = folder.file(name + ".d")
      try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: files + "/" + name, toPath: own + "/" + name)
      let out = folder.file(name + ".nii.gz")
      let made = try harmonize(["convert", files + "/" + name, out])
      #expect(made.status == 0, "\(name): \(made.stderr)")
      guard made.status == 0, name != "rtdose.dcm" else { continue }
      let comparison = try compare(
        own, uid: try seriesUID(Case(name: name, folder: own, series: nil, problems: [])), out)
      #expect(comparison.problems.isEmpty, "\(name): \(comparison.problems)")
    }
    // RT dose: multi-frame, placed by GDCM; SimpleITK reads the file itself.
    let dose = try run(
      TestEnvironment.python,
      [
        "-c",
        "import SimpleITK as s, numpy as n, sys; a = s.ReadImage(sys.argv[1]); b = s.ReadImage(sys.argv[2]); "
          + "print(a.GetSize() == b.GetSize() and n.allclose(a.GetSpacing(), b.GetSpacing()) and "
          + "n.allclose(a.GetOrigin(), b.GetOrigin(), atol=1e-4) and n.allclose(a.GetDirection(), b.GetDirection()) and "
          + "n.array_equal(s.GetArrayFromImage(a).astype(float), s.GetArrayFromImage(b).astype(float)))",
        files + "/rtdose.dcm", folder.file("rtdose.dcm.nii.gz"),
      ])
    #expect(dose.stdout.hasPrefix("True"), "\(dose.stdout)\(dose.stderr)")
    let reference = try ImageFile.read(at: folder.file("MR_small.dcm.nii.gz"))
    for name in [
      "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm",
      "MR_small_implicit.dcm", "MR_small_padded.dcm", "MR_small_expb.dcm",
    ] {
      let volume = try ImageFile.read(at: files + "/" + name)
      #expect(volume.geometry.difference(from: reference.geometry) == nil, "\(name)")
      #expect(
        volume.valueCount == reference.valueCount
          && (0..<volume.valueCount).allSatisfy { volume.value(at: $0) == reference.value(at: $0) }, "\(name)")
    }
    // A real tree with a DICOMDIR, CR, CT and MR series, localizers and reformats: every series listed, each fault said.
    let listing = try harmonize(["info", "--json", files + "/dicomdirtests"])
    #expect(listing.status == 0, "\(listing.stderr)")
    let infos = try JSONDecoder().decode([ImageInfo].self, from: Data(listing.stdout.utf8))
    #expect(infos.count == 13 && infos.allSatisfy { $0.dicom != nil })
    #expect(infos.contains { $0.dicom!.problems.contains { $0.contains("slice orientations") } })
    let ct = try #require(infos.first { $0.dicom!.description == "SmartScore - Gated 0.5 sec" })
    #expect(ct.dicom!.problems.isEmpty && ct.size == [16, 16, 5] && abs(ct.spacing[2] - 2.5) < 1e-9)
    let viaDicomdir = try harmonize(["info", files + "/dicomdirtests/DICOMDIR", "--series", ct.dicom!.uid])
    #expect(viaDicomdir.status == 0 && viaDicomdir.stdout.contains("16 x 16 x 5"), "\(viaDicomdir.stderr)")
    // Files that are no image, or that GDCM cannot take: one line each, exit 2, never a crash.
    for name in ["liver_1frame.dcm", "no_meta.dcm", "dicomdirtests/DICOMDIR-nooffset", "rtplan.dcm", "reportsi.dcm"] {
      let result = try harmonize(["info", files + "/" + name])
      #expect(result.status == 2 && result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
    }
  }

  /// A file that makes Debian's GDCM abort (a DICOMDIR without offsets, its class UID changed so that it is not
  /// skipped as a DICOMDIR): the file is named, the process lives, the rest of its folder is not converted.
  @Test func aFileThatAbortsGDCMFailsAloneAndIsNamed() throws {
    let located = try run(
      TestEnvironment.python, ["-c", "import pydicom, os; print(os.path.dirname(pydicom.__file__))"])
    let source =
      located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      + "/data/test_files/dicomdirtests/DICOMDIR-nooffset"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    let uid = Data("1.2.840.10008.1.3.10".utf8)
    let at = try #require(bytes.range(of: uid))
    bytes.replaceSubrange(at, with: Data("1.2.840.10008.1.3.11".utf8))
    let folder = TemporaryFolder("dicom-abort")
    try bytes.write(to: URL(fileURLWithPath: folder.file("crashy")))
    let result = try harmonize(["info", folder.file("crashy")])
    #expect(result.status == 2, "\(result.stderr)")
    #expect(
      result.stderr.contains("died reading it") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(!result.stderr.contains("Program crashed"), "\(result.stderr)")
  }

  /// info, resample, reorient, check and batch each take a series folder; resampling a series equals resampling its
  /// conversion; batch --dicom writes an nnU-Net dataset, resumes, and copies no patient name anywhere.
  @Test func everyCommandTakesASeries() throws {
    let folder = TemporaryFolder("dicom-commands")
    let cases = try build(folder)
    let ct = try #require(cases.first { $0.name == "ct_unsigned" }).folder
    // NRRD keeps the grid in double precision (NIfTI in float32): the same grid read two ways, the same output.
    #expect(try harmonize(["convert", ct, folder.file("ct.nrrd")]).status == 0)
    for (command, extra) in [("resample", ["--spacing", "1.3", "--no-sidecar"]), ("reorient", ["--to", "RAS"])] {
      let fromSeries = try harmonize([command, ct, folder.file("\(command)-series.nii.gz")] + extra)
      let fromFile = try harmonize([command, folder.file("ct.nrrd"), folder.file("\(command)-file.nii.gz")] + extra)
      #expect(fromSeries.status == 0 && fromFile.status == 0, "\(fromSeries.stderr)\(fromFile.stderr)")
      let difference = OutputDifference.explain(
        folder.file("\(command)-series.nii.gz"), folder.file("\(command)-file.nii.gz"))
      #expect(difference == nil, "\(command): \(difference ?? "")")
    }
    let two = try #require(cases.first { $0.name == "two_series" }).folder
    let chosen = try harmonize(["resample", two, folder.file("mr.nii.gz"), "--series", "6", "--spacing", "2"])
    #expect(chosen.status == 0, "\(chosen.stderr)")
    let unchosen = try harmonize(["resample", two, folder.file("none.nii.gz"), "--spacing", "2"])
    #expect(unchosen.status == 2 && unchosen.stderr.contains("holds 2 DICOM series"), "\(unchosen.stderr)")
    // check: a series folder is a case; a faulty one is an error finding, not a crash.
    #expect(try harmonize(["fingerprint", ct, "-o", folder.file("fp.json")]).status == 0)
    let gap = try #require(cases.first { $0.name == "gap" }).folder
    let checked = try harmonize(["check", ct, gap, "--against", folder.file("fp.json")])
    #expect(checked.status == 2 && checked.stdout.contains("missing slices"), "\(checked.stdout)\(checked.stderr)")
    // batch --dicom over a tree: one case per stackable series, the faulty ones listed as failed.
    let inside = try harmonize(["batch", folder.path, folder.file("dataset"), "--dicom"])
    #expect(inside.status == 2 && !FileManager.default.fileExists(atPath: folder.file("dataset")), "\(inside.stderr)")
    let outFolder = TemporaryFolder("dicom-dataset")
    let out = outFolder.file("dataset")
    let batch = try harmonize(["batch", folder.path, out, "--dicom"])
    #expect(batch.status == 1, "\(batch.stdout)\(batch.stderr)")
    let failures = cases.filter { !$0.problems.isEmpty && $0.name != "two_series" }.count
    #expect(batch.stdout.contains("6 cases written, 0 already done, \(failures) failed"), "\(batch.stdout)")
    let mapping = try String(contentsOfFile: out + "/dicom-cases.tsv", encoding: .utf8)
    #expect(mapping.split(separator: "\n").count == 7 && mapping.contains("PID-0001") && !mapping.contains("Doe"))
    let images = try FileManager.default.contentsOfDirectory(atPath: out + "/imagesTr").sorted()
    #expect(images == (1...6).map { String(format: "case_%03d_0000.nii.gz", $0) })
    for image in images {
      let raw = try run("/bin/sh", ["-c", "gzip -dc '\(out)/imagesTr/\(image)' | head -c 352"])
      #expect(!raw.stdout.contains("Doe") && !raw.stdout.contains("PID"), "\(image): patient data in its header")
    }
    let again = try harmonize(["batch", folder.path, out, "--dicom"])
    #expect(again.stdout.contains("0 cases written, 6 already done"), "\(again.stdout)")
  }
}
