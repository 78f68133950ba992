import Foundation
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// Runs a batch: plan from headers, take this shard's cases, skip what the manifest lists as done, convert the rest
/// under the memory budget, record each file in the manifest as it finishes, copy `dataset.json`.
public enum BatchRunner {
  /// Converts `inputFolder` into `outputFolder`. A file that fails is recorded and the others go on.
  /// - Parameter progress: print progress on standard error.
  /// - Throws: `BatchError` when the batch cannot start (missing input folder, output inside input, unwritable output).
  public static func run(
    inputFolder: String, outputFolder: String, options: BatchOptions, dryRun: Bool = false,
    progress showProgress: Bool = true
  ) throws(BatchError) -> (summary: BatchSummary, plan: [BatchUnit]) {
    let clock = Date()
    let input = URL(fileURLWithPath: inputFolder).standardizedFileURL.path
    let output = URL(fileURLWithPath: outputFolder).standardizedFileURL.path
    if output == input || output.hasPrefix(input + "/") {
      throw BatchError(outputFolder, "the output folder must not be the input folder or inside it")
    }
    if let format = options.format, !BatchOptions.formats.contains(format) {
      throw BatchError(format, "output format must be one of \(BatchOptions.formats.joined(separator: ", "))")
    }
    let plan = try BatchPlanner.plan(inputFolder: input, options: options)
    let units = options.shard.select(plan.units)
    let jobs = units.flatMap(\.jobs)
    var summary = BatchSummary(
      input: inputFolder, output: outputFolder, shard: options.shard.description, files: jobs.count,
      converted: 0, skipped: 0, failed: 0, failures: [], ranAlone: [], labelRules: [:],
      inputBytes: 0, outputBytes: 0, seconds: 0, memoryLimit: options.memoryLimit,
      peakReservedMemory: 0, dryRun: dryRun)
    // Entries the walk could not take count as failed files, once (in shard 0 of an array).
    if options.shard.index == 0 {
      summary.files += plan.problems.count
      summary.failed += plan.problems.count
      summary.failures += plan.problems
    }
    for job in jobs { if case .label(let rule) = job.kind { summary.labelRules[job.input] = rule } }
    let fileWarnings = jobs.compactMap { job in job.warning.map { "\(job.input): \($0)" } }
    if !fileWarnings.isEmpty { summary.warnings = (summary.warnings ?? []) + fileWarnings }
    summary.ranAlone = jobs.filter { $0.estimatedMemory > options.memoryLimit }.map(\.input)
    if dryRun { return (summary, units) }

    do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
      throw BatchError(outputFolder, "cannot create the output folder: \(error.localizedDescription)")
    }
    TemporaryFolders.removeStale(under: output)
    let lock = try BatchLock(folder: output, shard: options.shard)
    defer { lock.release() }
    let manifest =
      options.force
      ? (entries: [String: Manifest.Entry](), badLines: [String]()) : Manifest.readReporting(folder: output)
    if !manifest.badLines.isEmpty {
      summary.warnings =
        (summary.warnings ?? []) + [
          "\(manifest.badLines.count) manifest line(s) could not be read and were skipped (\(manifest.badLines.prefix(5).joined(separator: ", ")))"
        ]
    }
    // A case is the unit: when any of its files changed or is not done, all of them are redone, so that an image
    // and its label never end on different grids.
    var todo: [BatchJob] = []
    for unit in units {
      if unit.jobs.allSatisfy({ isDone($0, manifest.entries[$0.output], output: output, options: options) }) {
        for job in unit.jobs {
          summary.skipped += 1
          if let rule = manifest.entries[job.output]?.kind?.labelRule { summary.labelRules[job.input] = rule }
        }
      } else {
        todo += unit.jobs
      }
    }
    if options.shard.index == 0 {
      copyDatasetFiles(plan.datasetFiles, from: input, to: output, format: options.format, summary: &summary)
    }
    let writer = try ManifestWriter(path: PathText.join(output, Manifest.name(for: options.shard)))
    let budget = MemoryBudget(limit: options.memoryLimit)
    let progress = Progress(total: todo.count, totalBytes: todo.reduce(0) { $0 + $1.inputBytes }, enabled: showProgress)
    let queue = WorkQueue(todo.sorted { ($0.estimatedMemory, $1.input) > ($1.estimatedMemory, $0.input) })
    let results = ResultBox()
    let workers = max(1, min(options.jobs, todo.count))
    let threadsPerJob = max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
    let group = DispatchGroup()
    for _ in 0..<workers {
      group.enter()
      Thread {
        while let job = queue.next() {
          budget.acquire(job.estimatedMemory)
          let entry = convert(job, input: input, output: output, options: options, threads: threadsPerJob)
          budget.release(job.estimatedMemory)
          writer.append(entry)
          results.add(entry)
          progress.advance(inputBytes: job.inputBytes)
        }
        group.leave()
      }.start()
    }
    group.wait()
    for entry in results.entries.sorted(by: { $0.input < $1.input }) {
      if entry.status == .done {
        summary.converted += 1
        summary.inputBytes += entry.inputBytes
        summary.outputBytes += entry.outputBytes ?? 0
        if let rule = entry.kind?.labelRule { summary.labelRules[entry.input] = rule }
      } else {
        summary.failed += 1
        summary.failures.append(.init(input: entry.input, error: entry.error ?? "failed"))
      }
    }
    summary.peakReservedMemory = budget.peakReserved
    summary.seconds = Date().timeIntervalSince(clock)
    return (summary, units)
  }

  /// Whether a job is finished as recorded: done with the same input path and parameters, the input (its link target)
  /// of the recorded size and modification time, and the output present with the recorded size (a truncated or
  /// replaced output is redone).
  static func isDone(_ job: BatchJob, _ entry: Manifest.Entry?, output: String, options: BatchOptions) -> Bool {
    guard let entry, entry.status == .done, entry.input == job.input,
      entry.parameters == options.parameters(for: job.kind),
      entry.inputBytes == job.inputBytes, entry.inputModified == job.inputModified,
      let written = FileIdentity(PathText.join(output, job.output))
    else { return false }
    return entry.outputBytes == written.bytes
  }

  /// Converts one file; never throws: a failure becomes a "failed" manifest entry naming the reason.
  static func convert(
    _ job: BatchJob, input: String, output: String, options: BatchOptions, threads: Int
  ) -> Manifest.Entry {
    let start = Date()
    var entry = Manifest.Entry(
      input: job.input, output: job.output, parameters: options.parameters(for: job.kind),
      inputBytes: job.inputBytes, inputModified: job.inputModified, status: .failed, error: nil,
      kind: nil, outputBytes: nil, seconds: nil, finished: ISO8601DateFormatter().string(from: Date()))
    let source = PathText.join(input, job.input)
    let destination = PathText.join(output, job.output)
    guard let geometry = job.outputGeometry, job.planError == nil else {
      entry.error = job.planError ?? "no output grid"
      return entry
    }
    let decided = KindBox(job.kind)
    do {
      try FileManager.default.createDirectory(
        atPath: PathText.parent(destination),
        withIntermediateDirectories: true)
      let target: ResampleRequest.Target = job.gridSource == .spacing ? .spacing(options.spacing) : .like(geometry)
      let request = BatchPlanner.request(options, kind: job.kind, target: target, threads: threads)
      let writeOptions = WriteOptions(
        compressionLevel: ImageFormat(path: destination) == .niftiGz
          ? options.compressionLevel : options.otherCompressionLevel,
        threads: threads)
      let report =
        try job.cropFiles.map { crop in
          try FileResampler.resampleCropped(
            input: source, output: destination, request: request, cropFiles: crop.map { PathText.join(input, $0) },
            orientation: options.orientation, writeOptions: writeOptions)
        }
        ?? FileResampler.resample(
          input: source, output: destination, request: request, orientation: options.orientation,
          writeOptions: writeOptions,
          streaming: job.streamingSlabBytes.map { .always(slabBytes: $0) } ?? .automatic,
          adjust: !Self.decidesKindFromPixels(job.kind, nil) || job.streamsInput
            ? nil
            : { volume, request in
              guard volume.pixelType.isInteger else { return }
              let (few, count) = VoxelScan.hasFewIntegerValues(volume, limit: FileKind.maxLabelValues)
              if few {
                decided.kind = .label(rule: "integer with \(count) distinct values")
                request.interpolation = options.labelInterpolation
                request.defaultValue = 0
              }
            })
      entry.status = .done
      if job.kind.isLabel, let paired = job.pairedImage {
        // The pair and the resample are checked before the file counts as done; a bad one is removed, not kept.
        let image = try ImageFile.readHeader(at: PathText.join(input, paired)).geometry
        let check = try LabelPairCheck.run(label: source, output: destination, imageGeometry: image)
        entry.labelVolumes = check.volumes.mapValues { [$0.before, $0.after] }
        if let problem = check.problem {
          try? FileManager.default.removeItem(atPath: destination)
          entry.status = .failed
          entry.error = "\(problem) (image \(paired))"
        }
      }
      entry.sourceGeometry = report.source.geometry
      entry.sourcePixelType = report.source.pixelType
      entry.outputGeometry = report.plan.geometry
      entry.outputBytes =
        ((try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? NSNumber)?.intValue
    } catch {
      entry.error = "\(error)"
    }
    entry.kind = decided.kind.isLabel ? decided.kind : .image
    entry.seconds = Date().timeIntervalSince(start)
    entry.finished = ISO8601DateFormatter().string(from: Date())
    return entry
  }

  /// Whether a file's kind is decided from its pixels (an undecided integer image: a label map when it has few
  /// values), which needs the whole input in memory. `pixelType` nil: not known yet.
  static func decidesKindFromPixels(_ kind: FileKind, _ pixelType: PixelType?) -> Bool {
    guard case .undecided = kind else { return false }
    return pixelType?.isInteger ?? true
  }

  /// Copies each `dataset.json`, with `file_ending` replaced when the format changes (text edit: key order,
  /// which nnU-Net's region-based labels depend on, is kept).
  static func copyDatasetFiles(
    _ files: [String], from input: String, to output: String, format: String?,
    summary: inout BatchSummary
  ) {
    for relative in files {
      let source = PathText.join(input, relative)
      let destination = PathText.join(output, relative)
      guard var text = try? String(contentsOfFile: source, encoding: .utf8) else {
        summary.failures.append(.init(input: relative, error: "cannot be read"))
        summary.failed += 1
        continue
      }
      if let format, let range = text.range(of: #""file_ending"\s*:\s*"[^"]*""#, options: .regularExpression) {
        text.replaceSubrange(range, with: "\"file_ending\": \"\(format)\"")
      }
      do {
        try FileManager.default.createDirectory(atPath: PathText.parent(destination), withIntermediateDirectories: true)
        try AtomicFile.write(Data(text.utf8), to: destination)
      } catch {
        summary.failures.append(.init(input: relative, error: "\(error)"))
        summary.failed += 1
      }
    }
  }
}

/// The jobs still to start, handed out one at a time.
final class WorkQueue: @unchecked Sendable {
  private var jobs: [BatchJob]
  private var next_ = 0
  private let lock = NSLock()
  init(_ jobs: [BatchJob]) { self.jobs = jobs }
  func next() -> BatchJob? {
    lock.lock()
    defer { lock.unlock() }
    guard next_ < jobs.count else { return nil }
    next_ += 1
    return jobs[next_ - 1]
  }
}

/// Finished entries, collected from the worker threads.
final class ResultBox: @unchecked Sendable {
  private(set) var entries: [Manifest.Entry] = []
  private let lock = NSLock()
  func add(_ e: Manifest.Entry) {
    lock.lock()
    entries.append(e)
    lock.unlock()
  }
}

/// The kind a job settles on once its pixels are read.
final class KindBox: @unchecked Sendable {
  var kind: FileKind
  init(_ kind: FileKind) { self.kind = kind }
}
