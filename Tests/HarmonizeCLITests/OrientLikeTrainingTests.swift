import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `reorient --like FINGERPRINT` and `resample --orient like-training`: the training set's dominant orientation.
@Suite("orient like training")
struct OrientLikeTrainingTests {
  @Test func reorientAndResampleTakeTheTrainingOrientation() throws {
    let training = TemporaryFolder("olt-training")
    try DatasetFixture.write(at: training.path, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1])  // RAS training images
    let work = TemporaryFolder("olt-work")
    let fingerprint = work.file("fp.json")
    #expect(
      try run(TestEnvironment.harmonizeBinary, ["fingerprint", training.path, "-o", fingerprint, "--headers-only"])
        .status == 0)
    let sagittal = work.file("sag.nii.gz")
    try ImageFile.write(
      SyntheticVolume.make(size: [6, 5, 4], spacing: [1, 2, 3], direction: [0, 0, 1, 1, 0, 0, 0, 1, 0]), to: sagittal)
    #expect(try ImageFile.readHeader(at: sagittal).axisCodes == "PSL")

    let reoriented = work.file("r.nii.gz")
    let r = try run(TestEnvironment.harmonizeBinary, ["reorient", sagittal, reoriented, "--like", fingerprint])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try ImageFile.readHeader(at: reoriented).axisCodes == "RAS")

    let resampled = work.file("s.nii.gz")
    let s = try run(
      TestEnvironment.harmonizeBinary,
      [
        "resample", sagittal, resampled, "--spacing", "1",
        "--orient", "like-training", "--fingerprint", fingerprint,
      ])
    #expect(s.status == 0, "\(s.stderr)")
    let header = try ImageFile.readHeader(at: resampled)
    #expect(header.axisCodes == "RAS")
    #expect(header.geometry.size == [12, 6, 10])  // L-R 4 x 3 mm, A-P 6 x 1 mm, I-S 5 x 2 mm, at 1 mm

    let missing = try run(
      TestEnvironment.harmonizeBinary,
      [
        "resample", sagittal, work.file("x.nii.gz"), "--spacing", "1",
        "--orient", "like-training",
      ])
    #expect(missing.status == 2 && missing.stderr.contains("--fingerprint"))
    let broken = work.file("broken.json")
    try "{}".write(toFile: broken, atomically: true, encoding: .utf8)
    let bad = try run(TestEnvironment.harmonizeBinary, ["reorient", sagittal, work.file("y.nii.gz"), "--like", broken])
    #expect(
      bad.status == 2
        && bad.stderr == "error: \(broken): not a harmonize fingerprint (format is not \"harmonize.fingerprint\")\n")
    #expect(!FileManager.default.fileExists(atPath: work.file("y.nii.gz")))
  }
}
