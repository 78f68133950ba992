import Foundation
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Our reorientation against nibabel's (`io_orientation`, `as_reoriented`, `aff2axcodes`) on images SimpleITK wrote
/// with every axis permutation and flip, and an oblique one.
@Suite("Reorientation against nibabel")
struct ReorientConformanceTests {
  private func python(_ arguments: [String]) throws -> String {
    let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/orient.py"
    let result = try run(TestEnvironment.python, [script] + arguments)
    guard result.status == 0 else { throw TestEnvironmentError("orient.py failed: \(result.stderr.suffix(2000))") }
    return result.stdout
  }

  @Test func sameVoxelsAndGeometryAsNibabelForEveryPermutationAndFlip() throws {
    let folder = TemporaryFolder("orient")
    let files = try JSONDecoder().decode([String].self, from: Data(try python(["make", folder.path]).utf8))
    #expect(files.count == 49)
    let codes = ["RAS", "LPS", "PIR", "SAL"]
    var jobs: [[String: String]] = []
    for file in files {
      for code in codes { jobs.append(["input": file, "code": code, "output": file + ".\(code).nib.nii.gz"]) }
    }
    try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: folder.file("jobs.json")))
    _ = try python(["reorient", folder.file("jobs.json")])
    for job in jobs {
      let ours = try Reorientation.reorient(try ImageFile.read(at: job["input"]!), to: job["code"]!)
      let theirs = try ImageFile.read(at: job["output"]!)
      let name = URL(fileURLWithPath: job["output"]!).lastPathComponent
      #expect(Orientation.axisCodes(ours.geometry) == job["code"]!, "\(name)")
      #expect(ours.geometry.size == theirs.geometry.size, "\(name)")
      #expect(ours.allValues == theirs.allValues, "\(name): voxels")
      // nibabel stores the affine in float32: geometry agrees to its precision.
      let affineOurs = ours.geometry.rasAffine.flatMap { $0 }, affineTheirs = theirs.geometry.rasAffine.flatMap { $0 }
      #expect(
        zip(affineOurs, affineTheirs).allSatisfy { abs($0 - $1) < 1e-4 }, "\(name): \(affineOurs) vs \(affineTheirs)")
    }
  }

  @Test func commandLineOutputHasTheRequestedCodesForNibabel() throws {
    let folder = TemporaryFolder("orient-cli")
    let source = folder.file("sag.nii.gz")
    try ImageFile.write(
      SyntheticVolume.make(
        size: [5, 6, 7], spacing: [1, 1, 3], direction: [0, 0, -1, 1, 0, 0, 0, -1, 0], pixelType: .u8), to: source)
    let result = try run(
      TestEnvironment.harmonizeBinary, ["reorient", source, folder.file("ras.nii.gz"), "--to", "RAS"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("PIR -> RAS"))
    let facts = try conformance(["inspect", folder.file("ras.nii.gz")])
    #expect(facts.first?.nibabel?.axcodes == "RAS")
    let like = try run(
      TestEnvironment.harmonizeBinary,
      ["reorient", folder.file("ras.nii.gz"), folder.file("back.nii.gz"), "--like", source])
    #expect(like.status == 0)
    let back = try ImageFile.read(at: folder.file("back.nii.gz")), original = try ImageFile.read(at: source)
    #expect(back.allValues == original.allValues)
    #expect(zip(back.geometry.origin, original.geometry.origin).allSatisfy { abs($0 - $1) < 1e-5 })
    let bad = try run(TestEnvironment.harmonizeBinary, ["reorient", source, folder.file("x.nii.gz"), "--to", "RAX"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("orientation must be three letters"))
    #expect(!FileManager.default.fileExists(atPath: folder.file("x.nii.gz")))
  }
}
