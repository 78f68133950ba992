import Foundation
import HarmonizeBatch
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `harmonize batch` as a user runs it: kill -9 and resume, the memory budget against measured peak memory,
/// dry runs, failures and usage errors.
@Suite("harmonize batch", .serialized)
struct BatchCommandTests {
  /// Six cases of 128 x 128 x 64 int16 at 1 mm: each takes a fraction of a second to upsample to 0.5 mm.
  static func largerDataset() throws -> TemporaryFolder {
    let folder = TemporaryFolder("batch-cli-in")
    try FileManager.default.createDirectory(atPath: folder.file("imagesTr"), withIntermediateDirectories: true)
    for k in 0..<6 {
      try ImageFile.write(
        DatasetFixture.image(size: [128, 128, 64], spacing: [1, 1, 1], base: 100 + Double(k)),
        to: folder.file("imagesTr/case_\(k)_0000.nii.gz"))
    }
    return folder
  }

  @Test func killMinusNineThenResumeFinishesWithoutPartialFiles() throws {
    let input = try Self.largerDataset()
    let output = TemporaryFolder("batch-cli-kill")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestEnvironment.harmonizeBinary)
    process.arguments = ["batch", input.path, output.path, "--spacing", "0.5", "--jobs", "2"]
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Kill once the first output has landed, so the run is mid-way.
    let deadline = Date().addingTimeInterval(60)
    while Manifest.read(folder: output.path).isEmpty && process.isRunning && Date() < deadline { usleep(20_000) }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let finishedBefore = Manifest.read(folder: output.path).count
    #expect(finishedBefore >= 1 && finishedBefore < 6, "the kill should land mid-run: \(finishedBefore) of 6 done")
    let again = try run(
      TestEnvironment.harmonizeBinary, ["batch", input.path, output.path, "--spacing", "0.5", "--json"])
    #expect(again.status == 0, "\(again.stderr)")
    let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(again.stdout.utf8))
    #expect(summary.files == 6 && summary.failed == 0)
    #expect(summary.skipped == finishedBefore && summary.converted == 6 - finishedBefore)
    let files = try FileManager.default.subpathsOfDirectory(atPath: output.path)
    #expect(!files.contains { $0.contains(".harmonize-tmp") }, "\(files)")
    for k in 0..<6 {
      let header = try ImageFile.readHeader(at: output.file("imagesTr/case_\(k)_0000.nii.gz"))
      #expect(header.geometry.size == [256, 256, 128])
    }
  }

  /// The process's measured peak memory (VmHWM) stays within the budget, and the budget limits concurrency: for
  /// linear, B-spline (whose coefficients the estimate used to leave out: 559 MiB measured against a 400 MiB budget)
  /// and label interpolation, 2 jobs.
  @Test(arguments: [(Interpolation.linear, Interpolation.nearest), (.bspline, .nearest), (.linear, .label)])
  func peakMemoryStaysWithinTheBudget(_ interpolation: Interpolation, _ labelInterpolation: Interpolation) throws {
    let input = try Self.largerDataset()
    let labels = labelInterpolation == .label ? ["*"] : []
    let plan = try BatchPlanner.plan(
      inputFolder: input.path,
      options: BatchOptions(
        spacing: [0.5], interpolation: interpolation, labelInterpolation: labelInterpolation, labelGlobs: labels,
        memoryLimit: 1 << 30))
    let perFile = plan.jobs.map(\.estimatedMemory).max()!
    // One file at a time fits, two do not.
    let budget = perFile * 3 / 2
    let output = TemporaryFolder("batch-cli-budget")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      [
        "batch", input.path, output.path, "--spacing", "0.5", "--jobs", "2",
        "--memory-limit", "\(budget)B", "--json",
        "--interpolation", interpolation.rawValue,
        "--label-interpolation", labelInterpolation.rawValue,
      ]
        + labels.flatMap { ["--labels", $0] })
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(result.stdout.utf8))
    #expect(summary.converted == 6)
    #expect(summary.peakReservedMemory == perFile)
    let peak = try #require(summary.peakResidentMemory)
    #expect(peak <= budget, "peak \(peak) > budget \(budget)")
    // Input 2 MiB + output 16 MiB per file: a real conversion, not an empty run.
    #expect(peak > 16 << 20)
  }

  @Test func dryRunWritesNothingAndFailuresExitOne() throws {
    let input = TemporaryFolder("batch-cli-small")
    try DatasetFixture.write(at: input.path)
    try Data("not an image".utf8).write(to: URL(fileURLWithPath: input.file("imagesTs/bad_0000.nii.gz")))
    let output = TemporaryFolder("batch-cli-out")
    let target = output.file("converted")
    let dry = try run(TestEnvironment.harmonizeBinary, ["batch", input.path, target, "--spacing", "0.6", "--dry-run"])
    #expect(dry.status == 0)
    #expect(
      dry.stdout.contains(
        "labelsTr/case_001.nii.gz -> labelsTr/case_001.nii.gz  [label (labelsTr/ folder (nnU-Net layout))]"))
    #expect(dry.stdout.contains("(grid of imagesTr/case_001_0000.nii.gz)"))
    #expect(dry.stdout.contains("imagesTs/bad_0000.nii.gz: cannot plan:"))
    #expect(!FileManager.default.fileExists(atPath: target))
    let real = try run(TestEnvironment.harmonizeBinary, ["batch", input.path, target, "--spacing", "0.6"])
    #expect(real.status == 1)
    #expect(real.stdout.contains("9 converted, 0 already done, 1 failed of 10 files"))
    #expect(real.stdout.contains("failed: imagesTs/bad_0000.nii.gz: \(input.path)/imagesTs/bad_0000.nii.gz: "))
  }

  @Test func usageErrorsExitTwo() throws {
    let input = TemporaryFolder("batch-cli-usage")
    try DatasetFixture.write(at: input.path)
    let inside = try run(TestEnvironment.harmonizeBinary, ["batch", input.path, input.file("out"), "--spacing", "1"])
    #expect(inside.status == 2 && inside.stderr.contains("must not be the input folder or inside it"))
    let missing = try run(
      TestEnvironment.harmonizeBinary, ["batch", input.file("nothing"), input.file("../x"), "--spacing", "1"])
    #expect(missing.status == 2 && missing.stderr.contains("input folder not found"))
    for arguments in [
      ["--spacing", "1", "--shard", "3/3"], ["--spacing", "0"], [], ["--spacing", "1", "--format", "png"],
      ["--spacing", "1", "--label-interpolation", "linear"],
    ] {
      let r = try run(
        TestEnvironment.harmonizeBinary, ["batch", input.path, NSTemporaryDirectory() + "harmonize-never"] + arguments)
      #expect(r.status == 2, "\(arguments): \(r.stderr)")
    }
  }
}

extension BatchCommandTests {
  /// `--memory` reaches the layout: a case that does not fit the budget whole streams (input in windows of planes,
  /// output in slabs) instead of only running alone, stays under the budget, and gives the same voxels.
  @Test func aBudgetTooSmallForTheWholeCaseMakesItStream() throws {
    let input = try Self.largerDataset()
    let roomy = try BatchPlanner.plan(
      inputFolder: input.path, options: BatchOptions(spacing: [0.5], memoryLimit: 1 << 30))
    let whole = roomy.jobs.map(\.estimatedMemory).max()!
    #expect(roomy.jobs.allSatisfy { $0.streamingSlabBytes == nil })
    let budget = whole - (4 << 20)
    let tight = try BatchPlanner.plan(
      inputFolder: input.path, options: BatchOptions(spacing: [0.5], memoryLimit: budget))
    #expect(
      tight.jobs.allSatisfy { $0.streamingSlabBytes != nil && $0.streams && $0.estimatedMemory <= budget },
      "\(tight.jobs.map { ($0.streams, $0.estimatedMemory, budget) })")
    let streamed = TemporaryFolder("batch-cli-stream-budget")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      [
        "batch", input.path, streamed.path, "--spacing", "0.5", "--jobs", "1",
        "--memory", "\(budget)B", "--json",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(result.stdout.utf8))
    #expect(summary.converted == 6 && summary.ranAlone.isEmpty, "\(summary.text)")
    let peak = try #require(summary.peakResidentMemory)
    #expect(peak <= budget, "peak \(peak) > budget \(budget)")
    let reference = TemporaryFolder("batch-cli-whole-budget")
    #expect(
      try run(TestEnvironment.harmonizeBinary, ["batch", input.path, reference.path, "--spacing", "0.5"]).status == 0)
    for k in 0..<6 {
      let name = "imagesTr/case_\(k)_0000.nii.gz"
      let a = try ImageFile.read(at: streamed.file(name)), b = try ImageFile.read(at: reference.file(name))
      #expect(a.geometry == b.geometry)
      #expect(a.withUnsafeBytes { Data($0) } == b.withUnsafeBytes { Data($0) }, "\(name): streamed voxels differ")
    }
  }
}
