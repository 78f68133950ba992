import Foundation
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// Turns an input folder into units of jobs from headers alone: which files are images or labels, which share a
/// grid, what each output grid is, and what each costs.
public enum BatchPlanner {
  /// Peak memory of one conversion beyond input + output pixels: measured peak RSS / (input + output) was
  /// 1.09-1.19 (README benchmark), plus the runtime.
  static let memorySlack = 1.25
  static let memoryBase = 48 * 1024 * 1024

  /// What the planner found in the input folder.
  public struct Plan: Sendable {
    public var units: [BatchUnit]
    /// `dataset.json` files (relative paths), copied with `file_ending` updated.
    public var datasetFiles: [String]
    /// Files that are not images harmonize reads, left alone (relative paths).
    public var ignored: [String]
    /// Entries that could not be taken (broken links, link loops, unreadable folders, names that are not UTF-8,
    /// FIFOs with an image's name): each counts as a failed file.
    public var problems: [BatchSummary.Failure]
    public var jobs: [BatchJob] { units.flatMap(\.jobs) }
  }

  /// Plans every image under `inputFolder` (recursively; hidden files and folders skipped).
  /// - Throws: `BatchError` when the folder cannot be listed or the options are invalid.
  public static func plan(inputFolder: String, options: BatchOptions) throws(BatchError) -> Plan {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: inputFolder, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw BatchError(inputFolder, "input folder not found")
    }
    var imagesByFolder: [String: [String]] = [:]
    var datasetFiles: [String] = []
    var ignored: [String] = []
    let walk = FolderWalk(root: inputFolder)
    var problems = walk.problems.map { BatchSummary.Failure(input: $0.path, error: $0.reason) }
    for relative in walk.special {
      if CaseScanner.ending(of: PathText.name(relative)) != nil {
        problems.append(.init(input: relative, error: "not a regular file (a FIFO, socket or device)"))
      } else {
        ignored.append(relative)
      }
    }
    for relative in walk.files {
      let name = PathText.name(relative)
      if name == "dataset.json" {
        datasetFiles.append(relative)
      } else if CaseScanner.ending(of: name) != nil {
        imagesByFolder[PathText.parent(relative), default: []].append(relative)
      } else {
        ignored.append(relative)
      }
    }
    // Group each folder's files into cases; fold imagesTr/labelsTr (Ts) of one dataset into one unit per case.
    var units: [String: [(CaseFiles, String)]] = [:]
    for (folder, files) in imagesByFolder {
      for c in CaseScanner.group(files) {
        units[unitKey(folder: folder, id: c.id), default: []].append((c, folder))
      }
    }
    var planned: [BatchUnit] = []
    for key in units.keys.sorted() {
      planned.append(planUnit(key: key, members: units[key]!, inputFolder: inputFolder, options: options))
    }
    return Plan(units: planned, datasetFiles: datasetFiles.sorted(), ignored: ignored.sorted(), problems: problems)
  }

  /// `Dataset/imagesTr` and `Dataset/labelsTr` both become `Dataset/*Tr`.
  static func unitKey(folder: String, id: String) -> String {
    let parent = PathText.parent(folder)
    let last = PathText.name(folder)
    for prefix in ["images", "labels"] where last.hasPrefix(prefix) {
      return PathText.join(parent, "*" + last.dropFirst(prefix.count)) + "/" + id
    }
    return folder + "/" + id
  }

  /// Images first (channel 0 sets the case's grid), then every other file of the case on that grid.
  static func planUnit(
    key: String, members: [(CaseFiles, String)], inputFolder: String, options: BatchOptions
  ) -> BatchUnit {
    var ordered: [(path: String, kind: FileKind)] = []
    for (c, _) in members {
      for path in c.paths {
        ordered.append((path, FileKind.classify(relativePath: path, labelGlobs: options.labelGlobs)))
      }
    }
    ordered.sort { ($0.kind.isLabel ? 1 : 0, $0.path) < ($1.kind.isLabel ? 1 : 0, $1.path) }
    var shared: (geometry: Geometry, source: String)?
    var jobs: [BatchJob] = []
    for (path, kind) in ordered {
      let full = PathText.join(inputFolder, path)
      let identity = FileIdentity(full)
      // nnU-Net's resampling places its own grid from each file's header: a case's files (one input grid, checked by
      // LabelPairCheck) land on the same one without `.like`, which nnU-Net's sampling cannot take.
      let nnunet = options.interpolation.isNNUNet || options.labelInterpolation.isNNUNet
      var job = BatchJob(
        input: path, output: outputPath(path, format: options.format), kind: kind,
        inputBytes: identity?.bytes ?? 0, inputModified: identity?.modified ?? 0,
        inputSize: nil, inputSpacing: nil, outputGeometry: nil, estimatedMemory: memoryBase, planError: nil,
        gridSource: nnunet ? .spacing : (shared.map { .gridOf($0.source) } ?? .spacing))
      do {
        let header = try ImageFile.readHeader(at: full)
        job.warning = ImageFile.transformWarning(for: full, header: header)
        // A detached header (.mhd, .nhdr) names its data files; one that points out of the dataset (../../etc/passwd, an
        // absolute path) is refused. The image file itself may be a link to anywhere (linked raw data is common).
        if let outside = try ImageFile.dataFiles(of: full).first(where: {
          $0 != full && !PathText.isInside($0, folder: inputFolder)
        }) {
          throw BatchError(
            path, "its data file '\(outside)' lies outside the input folder; batch reads only what is inside it")
        }
        let n = min(header.geometry.dimension, 3)
        job.inputSize = Array(header.geometry.size.prefix(n))
        job.inputSpacing = Array(header.geometry.spacing.prefix(n))
        let target: ResampleRequest.Target =
          nnunet ? .spacing(options.spacing) : (shared.map { .like($0.geometry) } ?? .spacing(options.spacing))
        let resampleRequest = request(options, kind: kind, target: target)
        let plan = try FileResampler.plan(header, request: resampleRequest, orientation: options.orientation)
        job.outputGeometry = plan.geometry
        if kind.isLabel, let shared { job.pairedImage = shared.source }
        if shared == nil { shared = (plan.geometry, path) }
        // A streamed input holds a window of planes and a streamed output one slab (FileResampler follows this layout).
        let decides = BatchRunner.decidesKindFromPixels(kind, header.pixelType)
        var layout = FileResampler.layout(
          inputPath: full, header: header, orientation: options.orientation, output: job.output,
          plan: plan, request: resampleRequest, decidesAfterReading: decides)
        if estimate(layout) > options.memoryLimit {
          // The budget reaches the layout: a case that does not fit whole streams every side it can, in slabs sized to
          // a quarter of what the budget leaves after the process's base, instead of only running alone.
          let slab = max(1 << 20, (options.memoryLimit - memoryBase) / 4)
          let streamed = FileResampler.layout(
            inputPath: full, header: header, orientation: options.orientation, output: job.output,
            plan: plan, request: resampleRequest, streaming: .always(slabBytes: slab), decidesAfterReading: decides)
          if streamed.memoryBytes < layout.memoryBytes {
            layout = streamed
            job.streamingSlabBytes = slab
          }
        }
        job.streams = layout.streamsOutput
        job.streamsInput = layout.streamsInput
        job.estimatedMemory = estimate(layout)
      } catch {
        job.planError = "\(error)"
      }
      jobs.append(job)
    }
    if options.cropNonzero {
      // nnU-Net crops a case's channels and its label with the union box of the channels.
      let images = jobs.filter { !$0.kind.isLabel }.map(\.input)
      for index in jobs.indices { jobs[index].cropFiles = images }
    }
    return BatchUnit(key: key, jobs: jobs)
  }

  /// Peak memory reserved for a layout: its bytes with the measured slack, plus the process's share.
  static func estimate(_ layout: StreamingLayout) -> Int {
    Int(min(Double(Int.max / 2), Double(layout.memoryBytes) * memorySlack)) + memoryBase
  }

  /// The resampling request for a file: label files use the label interpolation and a 0 background.
  public static func request(
    _ options: BatchOptions, kind: FileKind, target: ResampleRequest.Target,
    threads: Int? = nil
  ) -> ResampleRequest {
    ResampleRequest(
      target: target, grid: options.grid,
      interpolation: kind.isLabel ? options.labelInterpolation : options.interpolation,
      maxSize: target == .spacing(options.spacing) ? options.maxSize : nil,
      maxVoxels: target == .spacing(options.spacing) ? options.maxVoxels : nil,
      defaultValue: kind.isLabel ? 0 : options.defaultValue, threads: threads)
  }

  /// The output's relative path: the input's, with the ending replaced when `format` is given.
  static func outputPath(_ path: String, format: String?) -> String {
    guard let format, let ending = CaseScanner.ending(of: PathText.name(path)) else { return path }
    return String(path.dropLast(ending.count)) + format
  }
}
