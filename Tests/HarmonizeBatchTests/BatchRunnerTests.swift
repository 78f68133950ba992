import Foundation
import HarmonizeBatch
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `BatchRunner` on nnU-Net style datasets: layout, shared grids, labels, resume, failures, budget, shards.
@Suite("batch")
struct BatchRunnerTests {
  static let gib = 1 << 30

  /// A dataset with 3 training cases (2 channels + label) and one test case (2 channels).
  static func dataset() throws -> TemporaryFolder {
    let folder = TemporaryFolder("batch-in")
    try DatasetFixture.write(at: folder.path)
    for c in 0..<2 {
      try ImageFile.write(
        DatasetFixture.image(size: [20, 18, 8], spacing: [0.9, 0.9, 3], base: 100 + 400 * Double(c)),
        to: folder.file("imagesTs/test_001_\(String(format: "%04d", c)).nii.gz"))
    }
    return folder
  }

  func options(
    _ spacing: Double = 0.6, format: String? = nil, jobs: Int = 2, memory: Int = gib,
    shard: Shard = Shard(index: 0, count: 1),
    labelInterpolation: Interpolation = .nearest
  ) -> BatchOptions {
    BatchOptions(
      spacing: [spacing], labelInterpolation: labelInterpolation, format: format, jobs: jobs, memoryLimit: memory,
      shard: shard)
  }

  @Test func nnunetDatasetEndToEnd() throws {
    let input = try Self.dataset()
    let output = TemporaryFolder("batch-out")
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path,
      options: options(format: ".nrrd", labelInterpolation: .label), progress: false)
    #expect(summary.files == 11 && summary.converted == 11 && summary.failed == 0)
    #expect(
      summary.labelRules.keys.sorted() == [
        "labelsTr/case_001.nii.gz", "labelsTr/case_002.nii.gz", "labelsTr/case_003.nii.gz",
      ])
    for k in 1...3 {
      let id = String(format: "case_%03d", k)
      let c0 = try ImageFile.read(at: output.file("imagesTr/\(id)_0000.nrrd"))
      let c1 = try ImageFile.readHeader(at: output.file("imagesTr/\(id)_0001.nrrd"))
      let label = try ImageFile.read(at: output.file("labelsTr/\(id).nrrd"))
      #expect(c0.geometry == c1.geometry && c0.geometry == label.geometry, "\(id): one grid per case")
      #expect(c0.geometry.spacing == [0.6, 0.6, 0.6])
      #expect(label.pixelType == .u8)
      #expect(Set(label.allValues).isSubset(of: [0, 1, 2]) && Set(label.allValues).count == 3)
    }
    #expect(FileManager.default.fileExists(atPath: output.file("imagesTs/test_001_0001.nrrd")))
    let dataset = try DatasetJSON.load(output.file("dataset.json"))
    #expect(dataset.fileEnding == ".nrrd" && dataset.channelNames == ["T2", "ADC"])
    let manifest = Manifest.read(folder: output.path)
    #expect(manifest.count == 11 && manifest.values.allSatisfy { $0.status == .done })
    #expect(!output.contents.contains { $0.hasPrefix(".harmonize-tmp") })
  }

  /// A crash leaves a temporary folder, a manifest line cut in half and a missing output: the re-run finishes the
  /// job, redoes only what is not recorded as done, and leaves no temporary files.
  @Test func resumesAfterASimulatedCrash() throws {
    let input = try Self.dataset()
    let output = TemporaryFolder("batch-resume")
    _ = try BatchRunner.run(inputFolder: input.path, outputFolder: output.path, options: options(), progress: false)
    let manifestPath = output.file(Manifest.mainName)
    var lines = try String(contentsOfFile: manifestPath, encoding: .utf8).split(separator: "\n").map(String.init)
    let cut = lines.removeLast()
    let cutEntry = try JSONDecoder().decode(Manifest.Entry.self, from: Data(cut.utf8))
    try (lines.joined(separator: "\n") + "\n" + cut.prefix(cut.count / 2)).write(
      toFile: manifestPath, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: output.file("imagesTr/case_002_0001.nii.gz"))
    try FileManager.default.createDirectory(
      atPath: output.file("labelsTr/.harmonize-tmp-crash1"), withIntermediateDirectories: true)
    try Data(count: 100).write(to: URL(fileURLWithPath: output.file("labelsTr/.harmonize-tmp-crash1/case_001.nii.gz")))
    // The marker of a writer that is gone (a pid above the kernel's pid_max): the sweep removes only such folders.
    try "4194305\n".write(
      toFile: output.file("labelsTr/.harmonize-tmp-crash1/" + TemporaryFolders.marker), atomically: true,
      encoding: .utf8)

    let (again, units) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(), progress: false)
    // A case is redone whole: every file of the cases that lost a file or a manifest line.
    let touched = Set([cutEntry.input, "imagesTr/case_002_0001.nii.gz"])
    let redone = Set(units.filter { $0.jobs.contains { touched.contains($0.input) } }.flatMap { $0.jobs.map(\.input) })
    #expect(redone.count > touched.count)
    #expect(again.converted == redone.count && again.skipped == 11 - redone.count && again.failed == 0)
    #expect(FileManager.default.fileExists(atPath: output.file("imagesTr/case_002_0001.nii.gz")))
    #expect(
      !((try? FileManager.default.contentsOfDirectory(atPath: output.file("labelsTr"))) ?? []).contains {
        $0.hasPrefix(".harmonize-tmp")
      })
    #expect(Manifest.read(folder: output.path).count == 11)
    // Changed parameters redo everything; --force too.
    let (other, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(0.7), progress: false)
    #expect(other.converted == 11)
    var forced = options(0.7)
    forced.force = true
    #expect(
      try BatchRunner.run(inputFolder: input.path, outputFolder: output.path, options: forced, progress: false).summary
        .converted == 11)
  }

  @Test func corruptFileIsRecordedAndTheRestConverted() throws {
    let input = try Self.dataset()
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: input.file("imagesTs/broken_0000.nii.gz")))
    let original = try Data(contentsOf: URL(fileURLWithPath: input.file("imagesTr/case_001_0000.nii.gz")))
    try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: input.file("imagesTs/cut_0000.nii.gz")))
    let output = TemporaryFolder("batch-corrupt")
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(), progress: false)
    #expect(summary.failed == 2 && summary.converted == 11)
    #expect(summary.failures.map(\.input) == ["imagesTs/broken_0000.nii.gz", "imagesTs/cut_0000.nii.gz"])
    #expect(summary.failures.allSatisfy { $0.error.contains(input.path + "/imagesTs/") })
    #expect(!FileManager.default.fileExists(atPath: output.file("imagesTs/broken_0000.nii.gz")))
    #expect(!FileManager.default.fileExists(atPath: output.file("imagesTs/cut_0000.nii.gz")))
    // Inputs are never modified; a re-run retries only the failures.
    #expect(try Data(contentsOf: URL(fileURLWithPath: input.file("imagesTr/case_001_0000.nii.gz"))) == original)
    let (again, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(), progress: false)
    #expect(again.failed == 2 && again.skipped == 11 && again.converted == 0)
  }

  /// A case over the streaming threshold is reserved a window and a slab, not its volumes; the same case under
  /// reorientation (which needs the whole input) is reserved the whole input.
  @Test func largeInputsAreReservedAWindow() throws {
    let input = TemporaryFolder("batch-large")
    try FileManager.default.createDirectory(atPath: input.file("imagesTr"), withIntermediateDirectories: true)
    // 512 x 512 x 600 int16: 300 MiB, over the 256 MiB threshold; zeros, so it is quick to make.
    let volume = try Volume(geometry: Geometry(size: [512, 512, 600], spacing: [0.25, 0.25, 0.25]), pixelType: .i16)
    try ImageFile.write(volume, to: input.file("imagesTr/big_0000.nii"))
    let streamed = try #require(BatchPlanner.plan(inputFolder: input.path, options: options(0.5)).jobs.first)
    #expect(streamed.streamsInput && !streamed.streams)
    // About 136 MiB: a 32 MiB window, the 37.5 MiB output, slack and the process; the input alone is 300 MiB.
    #expect(streamed.estimatedMemory < volume.byteCount / 2, "\(formatBytes(streamed.estimatedMemory))")
    var reorienting = options(0.5)
    reorienting.orientation = "RAS"
    let whole = try #require(BatchPlanner.plan(inputFolder: input.path, options: reorienting).jobs.first)
    #expect(!whole.streamsInput && whole.estimatedMemory > volume.byteCount)
  }

  @Test func memoryBudgetBoundsWhatRunsAtOnce() throws {
    let input = try Self.dataset()
    let plan = try BatchPlanner.plan(inputFolder: input.path, options: options())
    let largest = plan.jobs.map(\.estimatedMemory).max()!
    // Room for one file at a time but not two: the admitted sum never exceeds the budget.
    let budget = largest + largest / 2
    let output = TemporaryFolder("batch-budget")
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path,
      options: options(jobs: 4, memory: budget), progress: false)
    #expect(summary.converted == 11)
    #expect(summary.peakReservedMemory <= budget && summary.peakReservedMemory >= largest)
    #expect(summary.ranAlone.isEmpty)
    // A budget below one file: each runs alone, and is reported.
    let small = TemporaryFolder("batch-alone")
    let (alone, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: small.path,
      options: options(jobs: 4, memory: 1024), progress: false)
    #expect(alone.converted == 11 && alone.ranAlone.count == 11)
    #expect(alone.peakReservedMemory == largest)
  }

  @Test func shardsCoverEveryCaseExactlyOnceAndBalanceBytes() throws {
    let input = try Self.dataset()
    let plan = try BatchPlanner.plan(inputFolder: input.path, options: options())
    #expect(plan.units.count == 4)  // 3 training cases (images + label together) and one test case
    for n in 1...5 {
      let shards = Shard.assign(plan.units, count: n)
      let keys = shards.flatMap { $0.map(\.key) }
      #expect(keys.sorted() == plan.units.map(\.key).sorted(), "n = \(n)")
      let loads = shards.map { $0.reduce(0) { $0 + $1.bytes } }
      #expect(loads.max()! - loads.min()! <= plan.units.map(\.bytes).max()!, "n = \(n): \(loads)")
      // deterministic
      #expect(Shard.assign(plan.units, count: n).map { $0.map(\.key) } == shards.map { $0.map(\.key) })
    }
    let output = TemporaryFolder("batch-shards")
    for i in 0..<3 {
      _ = try BatchRunner.run(
        inputFolder: input.path, outputFolder: output.path, options: options(shard: Shard(index: i, count: 3)),
        progress: false)
    }
    #expect(output.contents.filter { $0.hasPrefix("harmonize-manifest.shard-") }.count == 3)
    #expect(try Manifest.merge(folder: output.path) == 11)
    #expect(output.contents.filter { $0.hasPrefix("harmonize-manifest") } == [Manifest.mainName])
    let (whole, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: options(), progress: false)
    #expect(whole.skipped == 11 && whole.converted == 0)
  }

  @Test func shardArgumentsAndSlurmEnvironment() throws {
    #expect(try Shard.parse("2/5") == Shard(index: 2, count: 5))
    #expect(throws: BatchError.self) { try Shard.parse("5/5") }
    #expect(throws: BatchError.self) { try Shard.parse("x") }
    #expect(try Shard.parse("auto", environment: [:]) == Shard(index: 0, count: 1))
    #expect(
      try Shard.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"])
        == Shard(index: 3, count: 4))
    #expect(
      try Shard.parse(
        "auto", environment: ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10"])
        == Shard(index: 1, count: 4))
  }

  /// Outside the nnU-Net layout: names and pixel values decide, and the report says which rule fired.
  @Test func labelRulesOutsideTheNNUNetLayout() throws {
    let input = TemporaryFolder("batch-plain")
    // 251 distinct values: more than a label map has (FileKind.maxLabelValues = 128).
    try ImageFile.write(
      SyntheticVolume.make(size: [12, 10, 6], spacing: [1, 1, 2], pixelType: .i16), to: input.file("scan.nii.gz"))
    try ImageFile.write(
      DatasetFixture.label(size: [12, 10, 6], spacing: [1, 1, 2]), to: input.file("scan_seg.nii.gz"))
    try ImageFile.write(
      DatasetFixture.label(size: [12, 10, 6], spacing: [1, 1, 2], pixelType: .i16), to: input.file("anatomy.nii.gz"))
    try ImageFile.write(DatasetFixture.label(size: [12, 10, 6], spacing: [1, 1, 2]), to: input.file("organs.nii.gz"))
    let output = TemporaryFolder("batch-plain-out")
    var opts = options(0.5)
    opts.labelGlobs = ["organs*"]
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: opts, progress: false)
    #expect(summary.converted == 4)
    #expect(summary.labelRules["scan_seg.nii.gz"] == "path contains 'seg'")
    #expect(summary.labelRules["organs.nii.gz"] == "--labels organs*")
    #expect(summary.labelRules["anatomy.nii.gz"] == "integer with 3 distinct values")
    #expect(summary.labelRules["scan.nii.gz"] == nil)
    let scan = try ImageFile.read(at: output.file("scan.nii.gz"))
    #expect(Set(scan.allValues).count > 251)  // linear interpolation made values between the input's: an image
    #expect(Set(try ImageFile.read(at: output.file("anatomy.nii.gz")).allValues) == [0, 1, 2])
  }

  /// `--orient`: every file reoriented losslessly first; a case's images and label still share one grid.
  @Test func orientThenResampleKeepsCasesOnOneGrid() throws {
    let input = TemporaryFolder("batch-orient")
    try DatasetFixture.write(at: input.path, direction: [0, 0, 1, 1, 0, 0, 0, 1, 0])  // stored PSL
    let output = TemporaryFolder("batch-orient-out")
    var opts = options(0.7)
    opts.orientation = "RAS"
    let (summary, _) = try BatchRunner.run(
      inputFolder: input.path, outputFolder: output.path, options: opts, progress: false)
    #expect(summary.converted == 9 && summary.failed == 0)
    for k in 1...3 {
      let id = String(format: "case_%03d", k)
      let image = try ImageFile.readHeader(at: output.file("imagesTr/\(id)_0000.nii.gz"))
      let label = try ImageFile.read(at: output.file("labelsTr/\(id).nii.gz"))
      #expect(image.axisCodes == "RAS" && Orientation.axisCodes(label.geometry) == "RAS")
      #expect(image.geometry.size == label.geometry.size)
      #expect(Set(label.allValues) == [0, 1, 2])
    }
  }
}
