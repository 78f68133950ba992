import Foundation
import HarmonizeBatch
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// What `harmonize predict` is asked to do.
public struct PredictRequest: Sendable {
  /// Folder of prediction inputs (nnU-Net naming: `CASE_XXXX.nii.gz`, one file per channel).
  public var input: String
  /// Folder the label maps (`CASE` + the dataset's file ending) and the manifest go to.
  public var output: String
  public var model: PredictModel
  public var export: PredictExport = .exact
  public var runner = RunnerSettings()
  /// The Python that has nnunetv2 (a path or a name on PATH).
  public var python = "python3"
  /// Orientation code (e.g. "LPS", "RAS") of the training images: cases stored otherwise are reoriented for the
  /// network (losslessly) and their labels put back on their own grid. nil: cases are predicted as stored.
  public var trainingOrientation: String?
  /// Go on when `check` finds errors.
  public var force = false
  /// Preprocess in harmonize when it reproduces the configuration's preprocessing (false: nnU-Net's own, in the
  /// runner, with -npp workers).
  public var harmonizePreprocesses = true
  /// RAM for choosing nnU-Net's preprocessing workers, bytes.
  public var memory = Double(ProcessInfo.processInfo.physicalMemory)
  public var threads = ProcessInfo.processInfo.activeProcessorCount

  public init(input: String, output: String, model: PredictModel) {
    self.input = input
    self.output = output
    self.model = model
  }
}

/// How a run ended.
public struct PredictSummary: Sendable {
  public var done: [String] = []
  public var skipped: [String] = []
  /// Case id and why.
  public var failed: [(String, String)] = []
  /// The check's findings of error severity that stopped the run (nothing was predicted), one line each.
  public var refused: [String] = []
}

/// `harmonize predict`: check, reorient when needed, run the network through nnU-Net's own classes in the user's
/// Python, and export each case's labels onto its original grid in harmonize (see `CaseExport`), resumably.
public enum Predictor {
  /// Runs a prediction. `report` gets one line per event (progress, skipped cases, failures).
  /// - Throws: `PredictError` when nothing can run (no case, an unusable output folder, no nnunetv2, a model the
  ///   runner cannot load or whose export harmonize does not reproduce).
  public static func run(_ request: PredictRequest, report: (String) -> Void) throws(PredictError) -> PredictSummary {
    let cases = CaseScanner.group(CaseScanner.imageFiles(in: request.input))
    guard !cases.isEmpty else {
      throw PredictError(request.input, "no case to predict (no image file with a known ending: .nii.gz, .nrrd, ...)")
    }
    try prepareOutput(request, cases)
    removeAbandonedWork(in: request.output)
    let ending = request.model.dataset.fileEnding
    let labelType: PixelType = request.model.dataset.segmentationHeads <= 255 ? .u8 : .u16
    let parameters = parametersText(request)
    let modelStamps = Dictionary(uniqueKeysWithValues: request.model.identityFiles.map { ($0, FileIdentity($0)) })
    let previous = PredictManifest.read(folder: request.output)
    var summary = PredictSummary()
    var pending: [Pending] = []
    for files in cases {
      let output = PathText.join(request.output, files.id + ending)
      let geometry: Geometry
      do { geometry = try ImageFile.readHeader(at: files.paths[0]).geometry } catch {
        summary.failed.append((files.id, "\(error)"))
        report("\(files.id): failed: \(error)")
        continue
      }
      let stamps = Dictionary(uniqueKeysWithValues: files.paths.map { ($0, FileIdentity($0)) })
      if PredictManifest.isCurrent(
        previous[files.id], inputs: stamps, model: modelStamps, parameters: parameters, output: output,
        geometry: geometry)
      {
        summary.skipped.append(files.id)
        continue
      }
      pending.append(Pending(files: files, output: output, geometry: geometry, stamps: stamps))
    }
    if !summary.skipped.isEmpty {
      report("\(summary.skipped.count) case(s) already predicted with this model and these inputs: skipped")
    }
    guard !pending.isEmpty else { return summary }
    let estimates = try check(request, pending.map(\.files), into: &summary, report: report)
    if !summary.refused.isEmpty { return summary }
    let work = PathText.join(request.output, ".harmonize-predict-\(getpid())")
    try makeFolder(work)
    defer { try? FileManager.default.removeItem(atPath: work) }
    for index in pending.indices {
      do { try reorient(&pending[index], request: request, work: work) } catch {
        summary.failed.append((pending[index].files.id, "\(error)"))
        report("\(pending[index].files.id): failed: \(error)")
      }
    }
    pending.removeAll { p in summary.failed.contains { $0.0 == p.files.id } }
    guard !pending.isEmpty else { return summary }
    var settings = request.runner
    let preprocessing = request.harmonizePreprocesses ? harmonizePreprocessing(request.model) : nil
    if preprocessing == nil && settings.preprocessWorkers == nil {
      // nnU-Net preprocesses in the runner: its -npp workers from the memory model.
      settings.preprocessWorkers = PredictWorkers.choose(
        estimates: estimates, cases: pending.count, memory: request.memory)
    }
    let session = RunnerSession(
      request: request, settings: settings, work: work, pending: pending, labelType: labelType,
      parameters: parameters, modelStamps: modelStamps, preprocessing: preprocessing)
    try session.run(into: &summary, report: report)
    return summary
  }

  /// The model's configuration when harmonize reproduces its preprocessing (`CasePreprocessing.supports`); nil
  /// leaves nnU-Net's own preprocessing to the runner.
  static func harmonizePreprocessing(_ model: PredictModel) -> NNUNetPlans.Configuration? {
    guard let configuration = model.plans.configurations[model.configuration],
      CasePreprocessing.supports(configuration, channels: model.dataset.channelNames.count)
    else { return nil }
    return configuration
  }

  /// Deletes the work folders of runs that were killed (`.harmonize-predict-PID` whose process is gone): their
  /// logits and network inputs are never reused.
  static func removeAbandonedWork(in folder: String) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    where name.hasPrefix(".harmonize-predict-") {
      guard let pid = Int32(name.dropFirst(".harmonize-predict-".count)), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? FileManager.default.removeItem(atPath: PathText.join(folder, name))
      }
    }
  }

  /// A case still to predict.
  struct Pending {
    var files: CaseFiles
    var output: String
    /// The original image's grid (first channel), where the labels go.
    var geometry: Geometry
    var stamps: [String: FileIdentity?]
    /// The files the network reads: the originals, or reoriented copies in the work folder.
    var networkFiles: [String] = []
    /// The orientation code the case was stored in, when it was reoriented for the network.
    var reorientedFrom: String?
  }

  static func parametersText(_ request: PredictRequest) -> String {
    let r = request.runner
    return [
      "export=\(request.export.rawValue)", "folds=\(request.model.folds.joined(separator: ","))",
      "checkpoint=\(request.model.checkpoint)", "step=\(r.stepSize)", "tta=\(r.mirroring)",
      "orientation=\(request.trainingOrientation ?? "as-stored")",
    ].joined(separator: " ")
  }

  static func makeFolder(_ path: String) throws(PredictError) {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
      throw PredictError(path, "cannot create the folder: \(error.localizedDescription)")
    }
  }

  /// The output folder exists (or is made), is not the input folder, and no output would replace an input file.
  static func prepareOutput(_ request: PredictRequest, _ cases: [CaseFiles]) throws(PredictError) {
    let input = URL(fileURLWithPath: request.input).standardizedFileURL.resolvingSymlinksInPath().path
    try makeFolder(request.output)
    let output = URL(fileURLWithPath: request.output).standardizedFileURL.resolvingSymlinksInPath().path
    if input == output {
      throw PredictError(request.output, "is the input folder: give another folder, inputs are never written")
    }
    let inputs = cases.flatMap(\.paths)
    for files in cases {
      do {
        try ImageFile.checkWritable(
          PathText.join(request.output, files.id + request.model.dataset.fileEnding), inputs: inputs)
      } catch {
        throw PredictError(error.path, "\(error)")
      }
    }
  }

  /// `harmonize check` of the cases against the model; errors stop the run unless forced. Returns the memory
  /// estimates of the cases.
  static func check(
    _ request: PredictRequest, _ cases: [CaseFiles], into summary: inout PredictSummary, report: (String) -> Void
  ) throws(PredictError) -> [PredictionMemory] {
    let reference = try CheckReference.load(request.model.folder, readPixels: true, tool: "harmonize predict")
    var options = CheckOptions(
      configuration: request.model.configuration, memory: request.memory, gpuMemory: nil, readPixels: true,
      folds: request.model.folds.count, labelsFolder: nil)
    options.harmonizeReads = true
    let result = try Checker.check(cases.flatMap(\.paths), against: reference, options: options)
    for line in result.unreadable { report("error: \(line)") }
    for item in result.cases {
      for finding in item.findings where finding.severity == .error {
        let line = "\(item.id): \(finding.check): \(finding.message)"
        if request.force {
          report("warning: \(line) (--force: predicting anyway)")
        } else {
          summary.refused.append(line)
        }
      }
    }
    return result.cases.compactMap { $0.memory?.estimate }
  }

  /// Writes reoriented copies of a case's channels when its orientation differs from the training orientation.
  static func reorient(_ item: inout Pending, request: PredictRequest, work: String) throws {
    item.networkFiles = item.files.paths
    guard let target = request.trainingOrientation?.uppercased() else { return }
    let code = Orientation.axisCodes(item.geometry)
    guard code != target else { return }
    let folder = PathText.join(work, "reoriented")
    try makeFolder(folder)
    item.networkFiles = try item.files.channelIndices.map { channel in
      let volume = try ImageFile.read(at: item.files.channels[channel]!)
      let turned = try Reorientation.reorient(volume, to: target)
      let path = PathText.join(folder, "\(item.files.id)_\(String(format: "%04d", channel)).nii.gz")
      try ImageFile.write(turned, to: path, options: WriteOptions(compressionLevel: 1))
      return path
    }
    item.reorientedFrom = code
  }
}
