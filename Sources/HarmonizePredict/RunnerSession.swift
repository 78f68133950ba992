import Foundation
import HarmonizeBatch
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// One run of the runner over the pending cases: the job written, the runner started, each case exported as soon as
/// its logits are written (while the network works on the next), recorded in the manifest.
struct RunnerSession {
  let request: PredictRequest
  let settings: RunnerSettings
  let work: String
  let pending: [Predictor.Pending]
  let labelType: PixelType
  let parameters: String
  let modelStamps: [String: FileIdentity?]
  /// The configuration harmonize preprocesses the cases for (nnU-Net's own preprocessing runs in the runner when nil).
  let preprocessing: NNUNetPlans.Configuration?

  func run(into summary: inout PredictSummary, report: (String) -> Void) throws(PredictError) {
    let script = PathText.join(work, RunnerScript.fileName)
    let job = PathText.join(work, "job.json")
    try write(Data(RunnerScript.source.utf8), to: script)
    try write(jobData(), to: job)
    let runner = try RunnerProcess(
      python: request.python, script: script, job: job, log: PathText.join(work, "runner.log"),
      verbose: settings.verbose)
    let manifest = try ManifestWriter(path: PathText.join(request.output, PredictManifest.name))
    var feeder: CaseFeeder?
    if let configuration = preprocessing {
      let started = CaseFeeder(
        cases: pending.map { ($0.files.id, $0.networkFiles) }, work: work, plans: request.model.plans,
        configuration: configuration, threads: request.threads)
      started.start()
      feeder = started
    }
    var finished = false
    defer {
      runner.stop()
      feeder?.finish(cancel: !finished)
    }
    var model: ModelFacts?
    var reported = Set<String>()
    let byID = Dictionary(uniqueKeysWithValues: pending.map { ($0.files.id, $0) })
    var started = Date()
    while let event = runner.next() {
      switch event {
      case .fatal(let error, let missing):
        throw PredictError(
          request.python,
          missing ? "\(error): install it there (pip install nnunetv2) or give --python PATH" : error)
      case .model(let object):
        model = try ModelFacts(object, request: request)
        if request.model.configuration != model!.configuration {
          throw PredictError(
            request.model.folder,
            "the checkpoint was trained for configuration \(model!.configuration), not \(request.model.configuration): give --configuration \(model!.configuration)"
          )
        }
        report(
          "model: \(model!.configuration), \(model!.heads) classes, \(request.model.folds.count) fold(s), nnunetv2 \(model!.version); \(pending.count) case(s), preprocessed by \(preprocessing == nil ? "nnU-Net (\(settings.preprocessWorkers ?? 0) worker(s))" : "harmonize")"
        )
        started = Date()
      case .failed(let id, let error):
        reported.insert(id)
        // A case harmonize preprocessed fails with harmonize's own message (the file, then the problem).
        fail(id, preprocessing == nil ? "nnU-Net: \(error)" : error, manifest, &summary, report)
      case .finished(let id):
        reported.insert(id)
        guard let item = byID[id], let model else { continue }
        let networkSeconds = Date().timeIntervalSince(started)
        report(String(format: "%@: network done (%.1f s since the previous case), exporting", id, networkSeconds))
        let begin = Date()
        do {
          try export(item, model: model)
          let seconds = Date().timeIntervalSince(begin)
          manifest.append(entry(item, status: .done, error: nil, seconds: networkSeconds + seconds))
          summary.done.append(id)
          report(String(format: "%@: exported in %.2f s -> %@", id, seconds, item.output))
        } catch {
          fail(id, "\(error)", manifest, &summary, report)
        }
        started = Date()
      }
    }
    let status = runner.wait()
    finished = true
    if model == nil {
      // Nothing ran: a Python that does not start (status 127 from env), or a runner that died while loading.
      throw PredictError(
        request.python,
        status == 127
          ? "cannot run this Python (not found): give --python PATH to a Python with nnunetv2"
          : "the nnU-Net runner ended (exit status \(status)) before the model was loaded: \(runner.logTail())")
    }
    for item in pending where !reported.contains(item.files.id) {
      fail(
        item.files.id, "the nnU-Net runner stopped (exit status \(status)) before this case: \(runner.logTail())",
        manifest, &summary, report)
    }
  }

  func fail(
    _ id: String, _ message: String, _ manifest: ManifestWriter, _ summary: inout PredictSummary,
    _ report: (String) -> Void
  ) {
    summary.failed.append((id, message))
    report("\(id): failed: \(message)")
    if let item = pending.first(where: { $0.files.id == id }) {
      manifest.append(entry(item, status: .failed, error: message, seconds: nil))
    }
  }

  /// Reads the case's logits, exports its labels, puts them back on the stored grid when reoriented, writes them.
  func export(_ item: Predictor.Pending, model: ModelFacts) throws {
    let base = PathText.join(work, item.files.id)
    defer {
      try? FileManager.default.removeItem(atPath: base + ".logits")
      try? FileManager.default.removeItem(atPath: base + ".json")
    }
    let seen = try ImageFile.readHeader(at: item.networkFiles[0]).geometry
    var labels: Volume
    do {
      let logits = try LogitsCase(base: base, classes: model.heads)
      labels = try CaseExport.labels(
        logits, export: request.export, planSpacing: model.spacing, transposeForward: model.transposeForward,
        geometry: seen, labelType: labelType, path: item.output, threads: request.threads)
    }
    if let code = item.reorientedFrom {
      labels = try Reorientation.reorient(labels, to: code)
    }
    if let difference = labels.geometry.difference(from: item.geometry) {
      throw PredictError(item.output, "the label map does not lie on the case's grid (\(difference))")
    }
    labels.geometry = item.geometry
    try ImageFile.write(labels, to: item.output)
  }

  func entry(
    _ item: Predictor.Pending, status: PredictManifest.Entry.Status, error: String?, seconds: Double?
  ) -> PredictManifest.Entry {
    PredictManifest.Entry(
      id: item.files.id, output: item.output, status: status, error: error,
      inputs: item.stamps.compactMapValues { $0 }, model: modelStamps.compactMapValues { $0 },
      parameters: parameters, outputIdentity: status == .done ? FileIdentity(item.output) : nil, seconds: seconds,
      finished: ISO8601DateFormatter().string(from: Date()))
  }

  func write(_ data: Data, to path: String) throws(PredictError) {
    guard FileManager.default.createFile(atPath: path, contents: data) else {
      throw PredictError(path, "cannot write the runner's file")
    }
  }

  func jobData() throws(PredictError) -> Data {
    let job: [String: Any] = [
      "model": request.model.folder, "folds": request.model.folds, "checkpoint": request.model.checkpoint,
      "step_size": settings.stepSize, "mirroring": settings.mirroring, "device": settings.device,
      "threads": settings.threads, "preprocess_workers": settings.preprocessWorkers ?? 0,
      "cases": pending.map { item -> [String: Any] in
        let out = PathText.join(work, item.files.id)
        return preprocessing == nil
          ? ["id": item.files.id, "files": item.networkFiles, "out": out]
          : ["id": item.files.id, "data": out + ".input", "out": out]
      },
    ]
    guard let data = try? JSONSerialization.data(withJSONObject: job, options: [.sortedKeys]) else {
      throw PredictError(work, "cannot encode the runner's job")
    }
    return data
  }
}

/// What the runner found in the model, checked against what harmonize's export reproduces.
struct ModelFacts {
  var configuration: String
  var heads: Int
  var spacing: [Double]
  var transposeForward: [Int]
  var version: String

  init(_ object: [String: Any], request: PredictRequest) throws(PredictError) {
    let folder = request.model.folder
    configuration = object["configuration"] as? String ?? "?"
    version = object["nnunetv2"] as? String ?? "?"
    guard let heads = (object["heads"] as? NSNumber)?.intValue, heads >= 1, heads <= 65535 else {
      throw PredictError(folder, "the model reports no usable number of segmentation heads")
    }
    self.heads = heads
    if object["has_regions"] as? Bool == true {
      throw PredictError(folder, "a region-based model: harmonize predict exports plain label maps only")
    }
    if !(object["previous_stage"] is NSNull) && object["previous_stage"] != nil {
      throw PredictError(folder, "a cascade stage (\(configuration)): it needs the previous stage's predictions")
    }
    guard let spacing = (object["spacing"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }),
      (2...3).contains(spacing.count), spacing.allSatisfy({ $0.isFinite && $0 > 0 }),
      let transpose = (object["transpose_forward"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
      Set(transpose) == Set(0..<3), transpose.count == 3
    else { throw PredictError(folder, "the plans give no usable spacing or transpose_forward") }
    self.spacing = spacing
    transposeForward = transpose
    let function = object["resampling_fn_probabilities"] as? String ?? "?"
    let kwargs = object["resampling_fn_probabilities_kwargs"] as? [String: Any] ?? [:]
    let isDefault =
      function == "resample_data_or_seg_to_shape" && kwargs["is_seg"] as? Bool == false
      && (kwargs["order"] as? NSNumber)?.intValue == 1 && (kwargs["order_z"] as? NSNumber)?.intValue == 0
      && (kwargs["force_separate_z"] == nil || kwargs["force_separate_z"] is NSNull)
    if request.export == .exact && !isDefault {
      throw PredictError(
        folder,
        "the plans export probabilities with \(function) \(kwargs): --export exact reproduces nnU-Net's default (resample_data_or_seg_to_shape, order 1, order_z 0, force_separate_z null) only; use --export labels"
      )
    }
  }
}
