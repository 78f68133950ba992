import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize qc` and `batch --qc` on real folders: a label the resample lost is an error (exit 1) shown on the case
/// page, every output is shown beside its source, and bad input gets one line and exit 2.
@Suite("QC command")
struct QCCommandTests {
  @Test func batchQCFlagsALabelTheResampleLost() throws {
    let data = TemporaryFolder("qc-batch-in")
    try DatasetFixture.write(at: data.path, cases: 2)
    // case_002's label 2 becomes one voxel (1.6 mm³): gone at 4 mm with label interpolation.
    var label = try ImageFile.read(at: data.file("labelsTr/case_002.nii.gz"))
    for index in 0..<label.voxelCount where label.value(at: index) == 2 { label.setValue(1, at: index) }
    label.setValue(2, at: 12 + 24 * (10 + 20 * 5))
    try ImageFile.write(label, to: data.file("labelsTr/case_002.nii.gz"))
    let out = TemporaryFolder("qc-batch-out")
    let report = TemporaryFolder("qc-batch-report")
    let batch = try run(
      TestEnvironment.harmonizeBinary,
      ["batch", data.path, out.path, "--spacing", "4", "--label-interpolation", "label", "--qc", report.path])
    #expect(batch.status == 1, "a vanished label fails the run: \(batch.stderr)")
    #expect(batch.stderr.contains("qc: 2 cases, 1 flagged (1 errors"), "\(batch.stderr)")
    let page = try String(contentsOfFile: report.file("cases/case_002.html"), encoding: .utf8)
    // batch refuses the label map that lost a label; the report shows that failure on the case's page.
    #expect(page.contains("check: batch") && page.contains("label 2 (0.002 mL) vanished"), "\(page.prefix(3000))")
    #expect(page.contains("<h2>before</h2>") && page.contains("<h2>after</h2>"))
    let clean = try String(contentsOfFile: report.file("cases/case_001.html"), encoding: .utf8)
    #expect(!clean.contains("vanished") && clean.contains("<td>gland</td>"))
    // The same report from the batch output afterwards.
    let again = TemporaryFolder("qc-batch-again")
    let qc = try run(
      TestEnvironment.harmonizeBinary, ["qc", out.path, "--before", data.path, "--out", again.path])
    #expect(qc.status == 1 && qc.stderr.contains("1 flagged"), "\(qc.stderr)")
    for name in ["index.html", "img/case_002-before-axial.png", "img/case_002-after-sagittal.png"] {
      #expect(FileManager.default.fileExists(atPath: again.file(name)), "\(name)")
    }
  }

  @Test func badInputGetsOneLineAndExit2() throws {
    let empty = TemporaryFolder("qc-empty")
    let out = TemporaryFolder("qc-empty-out")
    let none = try run(TestEnvironment.harmonizeBinary, ["qc", empty.path, "--out", out.path])
    #expect(none.status == 2 && none.stderr.contains("no case found"), "\(none.stderr)")
    let missing = try run(TestEnvironment.harmonizeBinary, ["qc", empty.file("nope.nii.gz"), "--out", out.path])
    #expect(missing.status == 2 && missing.stderr.contains("nope.nii.gz: no such file"), "\(missing.stderr)")
    // An unreadable image is a flagged case, not a crash.
    try Data("not an image".utf8).write(to: URL(fileURLWithPath: empty.file("broken.nii.gz")))
    let broken = try run(TestEnvironment.harmonizeBinary, ["qc", empty.path, "--out", out.path])
    #expect(broken.status == 1, "\(broken.stderr)")
    let page = try String(contentsOfFile: out.file("cases/broken.html"), encoding: .utf8)
    #expect(page.contains("cannot read the image"))
  }

  /// A `.nii.gz` is streamed plane by plane on a second thread: a file cut short mid-stream is a flagged case with
  /// its label map still drawn, not a crash (libdispatch trapped on the half-used buffer ring) or a hang.
  @Test func anImageCutShortWhileStreamingIsAFlaggedCase() throws {
    let data = TemporaryFolder("qc-cut")
    try DatasetFixture.write(at: data.path, cases: 1, size: [64, 64, 40])
    let image = data.file("imagesTr/case_001_0000.nii.gz")
    let whole = try #require(FileManager.default.contents(atPath: image))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: image))
    let out = TemporaryFolder("qc-cut-out")
    let qc = try run(TestEnvironment.harmonizeBinary, ["qc", data.path, "--out", out.path])
    #expect(qc.status == 1, "\(qc.stderr)")
    let page = try String(contentsOfFile: out.file("cases/case_001.html"), encoding: .utf8)
    #expect(page.contains("cannot read the image") && page.contains("case_001_0000.nii.gz"), "\(page.prefix(2000))")
    #expect(FileManager.default.fileExists(atPath: out.file("img/case_001-image-axial.png")), "the label map alone")
  }
}
