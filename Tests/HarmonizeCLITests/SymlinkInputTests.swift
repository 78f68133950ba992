import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// nnU-Net users link raw data: every command reads through links to files, links to folders, links to links and
/// relative links exactly as through the files themselves (#13.1: links were refused as "the file holds only 8 B").
@Suite("Symbolic-link inputs")
struct SymlinkInputTests {
  /// A dataset, and a second dataset folder made only of links: a relative link to the imagesTr folder, links to
  /// links for the labels, absolute links for imagesTs.
  private func linkedDataset() throws -> (real: TemporaryFolder, linked: TemporaryFolder) {
    let real = TemporaryFolder("links-real")
    try DatasetFixture.write(at: real.path, cases: 2)
    try FileManager.default.createDirectory(atPath: real.file("imagesTs"), withIntermediateDirectories: true)
    try ImageFile.write(
      DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5]), to: real.file("imagesTs/test_0000.nii.gz"))
    try ImageFile.write(
      DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5], base: 500),
      to: real.file("imagesTs/test_0001.nii.gz"))
    let linked = TemporaryFolder("links-linked")
    let fm = FileManager.default
    #expect(symlink(real.file("dataset.json"), linked.file("dataset.json")) == 0)
    // A relative link to a folder: ../<real>/imagesTr.
    #expect(symlink("../" + PathText.name(real.path) + "/imagesTr", linked.file("imagesTr")) == 0)
    try fm.createDirectory(atPath: linked.file("labelsTr"), withIntermediateDirectories: true)
    try fm.createDirectory(atPath: linked.file(".hops"), withIntermediateDirectories: true)
    for name in try fm.contentsOfDirectory(atPath: real.file("labelsTr")) {
      // A link to a link.
      #expect(symlink(real.file("labelsTr/" + name), linked.file(".hops/" + name)) == 0)
      #expect(symlink(linked.file(".hops/" + name), linked.file("labelsTr/" + name)) == 0)
    }
    try fm.createDirectory(atPath: linked.file("imagesTs"), withIntermediateDirectories: true)
    for name in try fm.contentsOfDirectory(atPath: real.file("imagesTs")) {
      #expect(symlink(real.file("imagesTs/" + name), linked.file("imagesTs/" + name)) == 0)
    }
    return (real, linked)
  }

  private func harmonize(_ arguments: [String]) throws -> ProcessResult {
    try run(TestEnvironment.harmonizeBinary, arguments)
  }

  @Test func everyCommandReadsThroughLinks() throws {
    let (real, linked) = try linkedDataset()
    let out = TemporaryFolder("links-out")
    let image = "imagesTr/case_001_0000.nii.gz"
    // info: the same report, but for the name given.
    let infoReal = try harmonize(["info", real.file(image)]), infoLinked = try harmonize(["info", linked.file(image)])
    #expect(infoLinked.status == 0, "\(infoLinked.stderr)")
    #expect(
      infoLinked.stdout.replacingOccurrences(of: linked.path, with: "")
        == infoReal.stdout.replacingOccurrences(of: real.path, with: ""))
    // resample, reorient: the same image and the same bytes.
    for (command, extra) in [("resample", ["--spacing", "1.1", "--no-sidecar"]), ("reorient", ["--to", "LPS"])] {
      let a = try harmonize([command, real.file(image), out.file("\(command)-real.nii.gz")] + extra)
      let b = try harmonize(
        [command, linked.file("labelsTr/case_001.nii.gz"), out.file("\(command)-label.nii.gz")] + extra)
      let c = try harmonize([command, linked.file(image), out.file("\(command)-linked.nii.gz")] + extra)
      #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr)\(b.stderr)\(c.stderr)")
      if let difference = OutputDifference.sameImage(
        out.file("\(command)-real.nii.gz"), out.file("\(command)-linked.nii.gz"))
      {
        Issue.record("\(command): the image through links differs: \(difference); \(a.stdout) | \(c.stdout)")
      } else if let bytes = OutputDifference.explain(
        out.file("\(command)-real.nii.gz"), out.file("\(command)-linked.nii.gz"),
        remake: { _ = try harmonize([command, real.file(image), out.file("\(command)-real.nii.gz")] + extra) })
      {
        Issue.record("\(command): same image through links, other bytes: \(bytes)")
      }
    }
    // fingerprint and check through a linked dataset folder; plan over it.
    let fp = try harmonize(["fingerprint", linked.path, "-o", out.file("fp.json")])
    #expect(fp.status == 0, "\(fp.stderr)")
    #expect(fp.stdout.hasPrefix("fingerprint of 2 cases"), "\(fp.stdout)")
    let check = try harmonize(["check", linked.file("imagesTs"), "--against", out.file("fp.json")])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let plan = try harmonize(["plan", linked.path, "--candidates", "1,2"])
    #expect(plan.status == 0, "\(plan.stderr)")
    // batch through the linked dataset: every file converted, labels through links to links.
    let batch = try harmonize(["batch", linked.path, out.file("batch"), "--spacing", "1.2"])
    #expect(batch.status == 0, "\(batch.stdout)\(batch.stderr)")
    #expect(batch.stdout.contains("8 converted, 0 already done, 0 failed of 8 files"), "\(batch.stdout)")
    // restore through a link to the sidecar's prediction and a link to the original.
    #expect(
      try harmonize([
        "resample", real.file("labelsTr/case_001.nii.gz"), out.file("small.nii.gz"), "--spacing", "1.6",
        "--interpolation", "nearest",
      ]).status == 0)
    #expect(symlink(out.file("small.nii.gz"), out.file("pred-link.nii.gz")) == 0)
    let restore = try harmonize([
      "restore", out.file("pred-link.nii.gz"), out.file("back.nii.gz"), "--original",
      linked.file("labelsTr/case_001.nii.gz"),
    ])
    #expect(restore.status == 0, "\(restore.stderr)")
  }
}
