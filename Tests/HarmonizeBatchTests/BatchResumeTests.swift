import Foundation
import HarmonizeBatch
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Resume trusts nothing it has not checked, and a batch never skips a file silently.
@Suite("Batch resume and walk")
struct BatchResumeTests {
  private func options() -> BatchOptions {
    BatchOptions(
      spacing: [0.6], labelInterpolation: .nearest, format: nil, jobs: 2, memoryLimit: 1 << 30,
      shard: Shard(index: 0, count: 1))
  }

  private func dataset() throws -> TemporaryFolder {
    let folder = TemporaryFolder("resume-in")
    try DatasetFixture.write(at: folder.path, cases: 2)
    return folder
  }

  private func run(_ input: TemporaryFolder, _ output: TemporaryFolder) throws -> BatchSummary {
    try BatchRunner.run(inputFolder: input.path, outputFolder: output.path, options: options(), progress: false).summary
  }

  private func manifest(_ output: TemporaryFolder) -> [String: Manifest.Entry] { Manifest.read(folder: output.path) }

  /// Editing an image after a batch redid the image but not its label: image and label ended on different grids.
  @Test func changedImageRedoesItsWholeCase() throws {
    let input = try dataset()
    let output = TemporaryFolder("resume-case")
    #expect(try run(input, output).converted == 6)  // 2 cases of 2 channels and a label
    try ImageFile.write(
      DatasetFixture.image(size: [30, 20, 10], spacing: [0.8, 0.8, 2.5], base: 100),
      to: input.file("imagesTr/case_001_0000.nii.gz"))
    let again = try run(input, output)
    #expect(again.converted == 3 && again.skipped == 3, "\(again.text)")
    let image = try ImageFile.readHeader(at: output.file("imagesTr/case_001_0000.nii.gz")).geometry
    let label = try ImageFile.readHeader(at: output.file("labelsTr/case_001.nii.gz")).geometry
    #expect(image.size == label.size && image.origin == label.origin)
  }

  /// A symbolic link's own size and time say nothing: a changed target is redone.
  @Test func changedLinkTargetIsRedone() throws {
    let raw = try dataset()
    let input = TemporaryFolder("resume-links")
    for sub in ["imagesTr", "labelsTr", "imagesTs"] {
      try FileManager.default.createDirectory(atPath: input.file(sub), withIntermediateDirectories: true)
      for name in try FileManager.default.contentsOfDirectory(atPath: raw.file(sub)) {
        #expect(symlink(raw.file(sub + "/" + name), input.file(sub + "/" + name)) == 0)
      }
    }
    let output = TemporaryFolder("resume-links-out")
    #expect(try run(input, output).converted == 6)  // 2 cases of 2 channels and a label
    usleep(20_000)
    try ImageFile.write(
      DatasetFixture.image(size: [30, 20, 10], spacing: [0.8, 0.8, 2.5], base: 100),
      to: raw.file("imagesTr/case_002_0000.nii.gz"))
    let again = try run(input, output)
    #expect(again.converted == 3 && again.skipped == 3, "\(again.text)")
  }

  /// One unreadable manifest line costs that line only, and says so; a truncated output is redone.
  @Test func badManifestLineAndTruncatedOutput() throws {
    let input = try dataset()
    let output = TemporaryFolder("resume-manifest")
    _ = try run(input, output)
    let handle = try #require(FileHandle(forWritingAtPath: output.file(Manifest.mainName)))
    handle.seekToEndOfFile()
    handle.write(Data([0x7b, 0x22, 0xff, 0xfe, 0x0a]))
    try handle.close()
    let again = try run(input, output)
    #expect(again.skipped == 6 && again.converted == 0, "\(again.text)")
    #expect(again.warnings?.first?.contains("1 manifest line(s) could not be read") == true, "\(again.text)")
    // Cut a finished output: it and its case are redone.
    let cut = output.file("labelsTr/case_002.nii.gz")
    #expect(truncate(cut, 40) == 0)
    let third = try run(input, output)
    #expect(third.converted == 3 && third.skipped == 3, "\(third.text)")
    #expect(try ImageFile.read(at: cut).geometry.size.count == 3)
  }

  /// A manifest that is a symbolic link would make batch append to its target.
  @Test func manifestThatIsALinkIsRefused() throws {
    let input = try dataset()
    let output = TemporaryFolder("resume-manifest-link")
    let elsewhere = TemporaryFolder("resume-elsewhere")
    try Data().write(to: URL(fileURLWithPath: elsewhere.file("target.jsonl")))
    #expect(symlink(elsewhere.file("target.jsonl"), output.file(Manifest.mainName)) == 0)
    #expect(throws: BatchError.self) { try run(input, output) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: elsewhere.file("target.jsonl"))).isEmpty)
  }

  /// Two batches into one folder: the second is refused and names the first one's process.
  @Test func secondConcurrentBatchIsRefused() throws {
    let input = try dataset()
    let output = TemporaryFolder("resume-lock")
    let lockPath = output.file(".harmonize-batch.lock")
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = [lockPath, "sleep", "30"]
    try holder.run()
    defer { holder.terminate() }
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: lockPath) { usleep(20_000) }
    usleep(100_000)
    do {
      _ = try run(input, output)
      Issue.record("a second batch ran while the folder was locked")
    } catch let error as BatchError {
      #expect(error.description.contains("another harmonize batch"), "\(error)")
    }
    #expect(manifest(output).isEmpty)
  }

  /// Broken links, link loops, FIFOs with an image's name and names that are not UTF-8 used to be skipped without a
  /// word (exit 0). Each is listed and counted as failed; a one-character folder name used to trap.
  @Test func entriesThatCannotBeTakenAreListedAsFailed() throws {
    let input = TemporaryFolder("walk-in")
    try FileManager.default.createDirectory(atPath: input.file("a"), withIntermediateDirectories: true)
    try ImageFile.write(
      DatasetFixture.image(size: [12, 10, 6], spacing: [0.8, 0.8, 2.5], base: 100), to: input.file("a/x.nii.gz"))
    #expect(symlink("missing.nii.gz", input.file("a/broken.nii.gz")) == 0)
    #expect(symlink("loop1.nii.gz", input.file("a/loop2.nii.gz")) == 0)
    #expect(symlink("loop2.nii.gz", input.file("a/loop1.nii.gz")) == 0)
    #expect(mkfifo(input.file("a/pipe.nii.gz"), 0o600) == 0)
    let badName = Array(input.file("a/bad").utf8) + [0xff] + Array(".nii.gz".utf8) + [0]
    let fd = badName.withUnsafeBufferPointer {
      open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
    }
    #expect(fd >= 0)
    close(fd)
    let output = TemporaryFolder("walk-out")
    let summary = try run(input, output)
    #expect(summary.converted == 1)
    #expect(summary.failed == 5, "\(summary.text)")
    let reasons = summary.failures.map { "\($0.input): \($0.error)" }.joined(separator: "\n")
    #expect(reasons.contains("a/broken.nii.gz: a broken symbolic link"), "\(reasons)")
    #expect(reasons.contains("a/loop1.nii.gz: a symbolic link loop"), "\(reasons)")
    #expect(reasons.contains("a/pipe.nii.gz: not a regular file"), "\(reasons)")
    #expect(reasons.contains("a/bad\\xFF.nii.gz: the file name is not valid UTF-8"), "\(reasons)")
  }
}

extension BatchResumeTests {
  /// A detached header whose data file lies outside the dataset is refused in batch (it used to be followed).
  @Test func detachedDataOutsideTheInputIsRefused() throws {
    let input = TemporaryFolder("walk-outside")
    let elsewhere = TemporaryFolder("walk-elsewhere")
    try ImageFile.write(
      DatasetFixture.image(size: [12, 10, 6], spacing: [0.8, 0.8, 2.5], base: 100), to: elsewhere.file("d.mhd"))
    let raw = try #require(elsewhere.contents.first { $0 != "d.mhd" })
    let text = try String(contentsOfFile: elsewhere.file("d.mhd"), encoding: .utf8)
    try text.replacingOccurrences(of: "ElementDataFile = \(raw)", with: "ElementDataFile = \(elsewhere.file(raw))")
      .write(toFile: input.file("x.mhd"), atomically: true, encoding: .utf8)
    let summary = try run(input, TemporaryFolder("walk-outside-out"))
    #expect(summary.failed == 1 && summary.converted == 0, "\(summary.text)")
    #expect(summary.failures.first?.error.contains("lies outside the input folder") == true, "\(summary.text)")
  }
}
