import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize batch INPUT_DIR OUTPUT_DIR --spacing ...`: convert a whole dataset, resumably, under a memory budget.
  struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Resample a whole folder (nnU-Net layout aware) with bounded memory, resumably, atomically.",
      discussion: """
        Mirrors INPUT_DIR in OUTPUT_DIR. Files under labelsTr/ and labelsTs/ are segmentations, resampled with \
        --label-interpolation onto exactly the grid of their case's images; the channel files of a case \
        (CASE_0000, CASE_0001, ...) share one grid; dataset.json is copied with file_ending updated. Elsewhere a \
        file is a segmentation when --labels matches it, its path contains seg, label or mask, or it is an integer \
        image with at most 128 distinct values. Each output is written to a temporary file and renamed; \
        OUTPUT_DIR/harmonize-manifest.jsonl records every file, so a re-run (also after kill -9) skips finished \
        files and redoes changed or failed ones. --shard I/N (or auto inside a Slurm job array) converts a \
        balanced share; each shard writes its own manifest, merged by the next run or --merge-manifests. \
        Exit status: 0 all converted; 1 some file failed (all are listed); 2 usage error or unusable folders.
        """
    )

    @Argument(help: "Input folder.") var input: String
    @Argument(help: "Output folder (created; must not be inside the input).") var output: String
    @Option(
      name: [.customLong("fingerprint"), .customLong("like-fingerprint")],
      help:
        "A `harmonize fingerprint` file: its nnU-Net target spacing, and its orientation for --orient like-training.")
    var likeFingerprint: String?
    @Option(help: "Image interpolation.") var interpolation: ImageInterpolationArgument = .linear
    @Option(help: "Segmentation interpolation.") var labelInterpolation: LabelInterpolationArgument = .nearest
    @Option(help: "Output format (default: each input's).") var format: BatchFormatArgument?
    @Option(help: "Reorient every file first: RAS+ letters, or like-training (with --fingerprint).") var orient: String?
    @Option(help: "Glob of files that are segmentations (repeatable).") var labels: [String] = []
    @Option(help: "Cases at once (default: cores).") var jobs: Int?
    @Option(
      name: [.customLong("memory"), .customLong("memory-limit")],
      help: "Memory budget with a unit: 512M, 8G (default: 80% of available RAM).") var memoryLimit: ByteCountArgument?
    @Option(help: "This run's share: I/N (0 ≤ I < N), or auto (Slurm job array).") var shard: ShardArgument?
    @Flag(
      help:
        "Crop each case to its images' non-zero box first, as nnU-Net does (with --interpolation nnunet --label-interpolation nnunet)."
    ) var cropNonzero = false
    @Flag(help: "Print the plan without writing anything.") var dryRun = false
    @Flag(help: "Print a JSON summary on standard output.") var json = false
    @Flag(help: "Redo files the manifest lists as done.") var force = false
    @Flag(help: "Fold the shard manifests in OUTPUT_DIR into one and exit.") var mergeManifests = false
    @Flag(
      help:
        "INPUT_DIR is a DICOM tree: write an nnU-Net raw dataset (imagesTr/CASE_XXXX.nii.gz, dataset.json, dicom-cases.tsv mapping case ids to patient ID and study/series UIDs), one case per series, or per study with --channel; --spacing is optional."
    )
    var dicom = false
    @Option(
      help:
        "With --dicom: a channel of a per-study case, NAME=REGEX on SeriesDescription (repeatable, in channel order; e.g. T1='t1' T2='t2')."
    )
    var channel: [String] = []
    @Option(help: "With --dicom: case ids are PREFIX_001, PREFIX_002, ...") var casePrefix = "case"
    @Option(
      help:
        "Also write a visual QC report (as `harmonize qc`) of the outputs, each beside its source, to this folder; exit 1 when it flags an error (a label that vanished, a failed file)."
    )
    var qc: String?

    @OptionGroup(title: "Target grid") var targetGrid: TargetGridOptions
    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    var spacing: SpacingArgument? { targetGrid.spacing }
    var maxSize: SizeCapArgument? { targetGrid.maxSize }
    var maxVoxels: Int? { targetGrid.maxVoxels }
    var grid: GridPreset { targetGrid.preset }
    var defaultValue: Double { targetGrid.defaultValue }
    var compression: CompressionArgument? { targetGrid.compression }

    func validate() throws {
      if mergeManifests { return }
      if dicom {
        if spacing != nil && likeFingerprint != nil {
          throw ValidationError("Give at most one of --spacing and --fingerprint.")
        }
        guard casePrefix.range(of: "^[A-Za-z0-9][A-Za-z0-9-]*$", options: .regularExpression) != nil else {
          throw ValidationError("--case-prefix takes letters, digits and '-' (nnU-Net splits case ids at '_').")
        }
        for rule in channel { _ = try DicomChannelRule(rule) }
        return
      }
      if !channel.isEmpty { throw ValidationError("--channel goes with --dicom.") }
      if (spacing == nil) == (likeFingerprint == nil) {
        throw ValidationError("Give exactly one of --spacing and --fingerprint.")
      }
      if let spacing, spacing.values.contains(where: { !($0.isFinite && $0 > 0) }) {
        throw ValidationError("spacing must be finite and > 0")
      }
      if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
      if cropNonzero && interpolation != .nnunet {
        throw ValidationError(
          "--crop-nonzero goes with --interpolation nnunet --label-interpolation nnunet (nnU-Net's grid follows the crop)."
        )
      }
      if (interpolation == .nnunet) != (labelInterpolation == .nnunet) {
        // Images and segmentations of a case must land on one grid; nnU-Net's places its own.
        throw ValidationError(
          "nnU-Net's resampling goes for images and segmentations together: give --interpolation nnunet with --label-interpolation nnunet."
        )
      }
      if let orient, orient != TrainingOrientation.keyword {
        do { _ = try Reorientation.parse(orient) } catch { throw ValidationError(error.description) }
      }
      if orient == TrainingOrientation.keyword && likeFingerprint == nil {
        throw ValidationError("--orient like-training needs --fingerprint FILE.")
      }
    }

    func run() throws {
      transform.apply()
      if mergeManifests {
        do {
          let count = try Manifest.merge(folder: output)
          print("\(output): \(count) manifest entries merged into \(Manifest.mainName)")
          return
        } catch {
          throw ExitStatus.usage.reporting(error)
        }
      }
      if dicom { return try runDicom() }
      var target = spacing?.values ?? []
      var orientation = orient
      if let likeFingerprint {
        do {
          let fingerprint = try DatasetFingerprint.load(likeFingerprint)
          guard !fingerprint.targetSpacing.isEmpty else {
            throw CheckReferenceError(likeFingerprint, "the fingerprint has no target spacing")
          }
          target = fingerprint.targetSpacing
        } catch {
          throw ExitStatus.usage.reporting(error)
        }
        if orient == TrainingOrientation.keyword {
          orientation = try TrainingOrientation.code(fromFingerprint: likeFingerprint)
        }
      }
      let available = Double(availableMemory())
      var options: BatchOptions
      do {
        options = BatchOptions(
          spacing: target, grid: grid, maxSize: maxSize?.values, maxVoxels: maxVoxels,
          interpolation: interpolation.interpolation,
          labelInterpolation: labelInterpolation.interpolation, format: format?.format.ending,
          orientation: orientation, labelGlobs: labels, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
          memoryLimit: Int(memoryLimit?.bytes ?? 0.8 * available),
          shard: try shard?.resolve() ?? Shard(index: 0, count: 1), force: force,
          defaultValue: defaultValue, compressionLevel: compression?.level(for: "x.nii.gz"))
        options.otherCompressionLevel = compression?.level(for: "x.nrrd")
        options.cropNonzero = cropNonzero
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      var result: (summary: BatchSummary, plan: [BatchUnit])
      do {
        result = try BatchRunner.run(
          inputFolder: input, outputFolder: output, options: options, dryRun: dryRun, progress: !json)
      } catch {
        throw ExitStatus.usage.reporting(error)
      }
      if result.plan.isEmpty && DicomReference.looksLikeSeriesFolder(input) {
        // A DICOM tree has no file batch converts: say so rather than "0 files".
        throw ExitStatus.usage.reporting(
          PathError(
            input, "holds DICOM files and no image file batch converts: add --dicom to write an nnU-Net dataset"))
      }
      if !dryRun { result.summary.peakResidentMemory = PeakMemory.residentBytes }
      if dryRun && !json { print(planText(result.plan, options: options)) }
      if json {
        FileHandle.standardOutput.write(result.summary.jsonData())
        print("")
      } else if !dryRun {
        print(result.summary.text)
      }
      if let qc, !dryRun, options.shard.count == 1 {
        let cases = QCInputs.collect([output], before: input)
        let names = cases.labelNames.isEmpty ? QCInputs.labelNames(in: input) : cases.labelNames
        let report = try QCCommandReport.write(
          cases.cases, labelNames: names, title: "harmonize batch \(input)", to: qc)
        if report.errors > 0 { throw ExitStatus.failure.exitCode }
      } else if qc != nil && !dryRun {
        printError(
          "qc: not written by one shard of an array: run `harmonize qc \(output) --before \(input) --out DIR` once all are done"
        )
      }
      if result.summary.failed > 0 { throw ExitStatus.failure.exitCode }
    }

    /// `--dicom`: a DICOM tree to an nnU-Net raw dataset (`DicomDatasetBuilder`).
    func runDicom() throws {
      var options = DicomDatasetBuilder.Options()
      options.prefix = casePrefix
      options.force = force
      options.threads = jobs
      options.interpolation = interpolation.interpolation
      do {
        options.rules = try channel.map { try DicomChannelRule($0) }
        if let likeFingerprint {
          options.spacing = try DatasetFingerprint.load(likeFingerprint).targetSpacing
        } else {
          options.spacing = spacing?.values
        }
        let summary = try DicomDatasetBuilder.run(root: input, output: output, options: options, progress: !json)
        print(summary.text)
        if !summary.failures.isEmpty { throw ExitStatus.failure.exitCode }
      } catch let error as PathError {
        throw ExitStatus.usage.reporting(error)
      } catch let error as CheckReferenceError {
        throw ExitStatus.usage.reporting(error)
      }
    }

    /// The dry-run listing: each case, each file's grids, bytes and estimated memory, then the totals.
    func planText(_ units: [BatchUnit], options: BatchOptions) -> String {
      var lines: [String] = []
      var total = 0
      for unit in units {
        lines.append(unit.key)
        for job in unit.jobs {
          let kind: String
          switch job.kind {
          case .image: kind = "image"
          case .label(let rule): kind = "label (\(rule))"
          case .undecided: kind = "image, or label if an integer image with ≤ \(FileKind.maxLabelValues) values"
          }
          if let error = job.planError {
            lines.append("  \(job.input): cannot plan: \(error)")
            continue
          }
          let g = job.outputGeometry!
          total = max(total, job.estimatedMemory)
          lines.append("  \(job.input) -> \(job.output)  [\(kind)]")
          lines.append(
            "    \(job.inputSize.map { $0.map(String.init).joined(separator: " x ") } ?? "?") at \(job.inputSpacing.map { $0.map(formatNumber).joined(separator: " x ") } ?? "?") mm"
              + " -> \(g.size.map(String.init).joined(separator: " x ")) at \(g.spacing.map(formatNumber).joined(separator: " x ")) mm"
              + " (\(job.gridSource)); \(formatBytes(job.inputBytes)) on disk, est. peak \(formatBytes(job.estimatedMemory))"
              + (job.streamsInput ? ", input read in windows of planes" : "")
              + (job.streams ? ", output streamed in slabs" : ""))
        }
      }
      let files = units.reduce(0) { $0 + $1.jobs.count }
      lines.append(
        "\(units.count) cases, \(files) files (shard \(options.shard)); largest estimated peak \(formatBytes(total)), budget \(formatBytes(options.memoryLimit)); nothing written (--dry-run)"
      )
      return lines.joined(separator: "\n")
    }
  }
}

/// MemAvailable from /proc/meminfo, bytes (physical memory when it cannot be read).
func availableMemory() -> Int {
  if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
    let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  {
    return kib * 1024
  }
  return Int(ProcessInfo.processInfo.physicalMemory)
}
