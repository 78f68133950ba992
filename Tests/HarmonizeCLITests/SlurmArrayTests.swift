import Foundation
import HarmonizeBatch
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Samples/slurm/batch-array.sh as a real Slurm job array (single node on loopback, scripts/slurm/slurm-up.sh):
/// three shards convert the dataset, every file exactly once. Needs root to start Slurm's daemons.
@Suite("Slurm job array", .serialized)
struct SlurmArrayTests {
  @Test(
    .enabled(
      if: getuid() == 0 || TestEnvironment.isCI,
      "starting slurmctld, slurmd and munge needs root (under CI=true it fails instead)"))
  func threeShardsConvertEveryFileOnce() throws {
    let input = TemporaryFolder("slurm-in")
    try DatasetFixture.write(at: input.path)
    let work = TemporaryFolder("slurm-work")
    let script = TestEnvironment.packageRoot + "/scripts/slurm/batch-array-test.sh"
    let result = try run("/bin/bash", [script, TestEnvironment.harmonizeBinary, input.path, work.path])
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    #expect(result.stdout.contains("task 2 COMPLETED"))
    #expect(result.stdout.contains("shard manifests: 3"))
    let manifest = Manifest.read(folder: work.file("out"))
    #expect(manifest.count == 9 && manifest.values.allSatisfy { $0.status == .done })
    let lines = try String(contentsOfFile: work.file("out/" + Manifest.mainName), encoding: .utf8).split(
      separator: "\n")
    #expect(lines.count == 9)  // merged: one line per file, shard files gone
    for entry in manifest.values {
      let spacing = try ImageFile.readHeader(at: work.file("out/" + entry.output)).geometry.spacing
      #expect(spacing.allSatisfy { abs($0 - 0.6) < 1e-6 }, "\(entry.output): \(spacing)")  // NIfTI stores float32
    }
    let again = try run(
      TestEnvironment.harmonizeBinary, ["batch", input.path, work.file("out"), "--spacing", "0.6", "--json"])
    #expect(again.status == 0)
    let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(again.stdout.utf8))
    #expect(summary.skipped == 9 && summary.converted == 0)
  }
}
