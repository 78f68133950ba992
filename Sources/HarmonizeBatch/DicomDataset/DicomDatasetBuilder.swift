import Foundation
import HarmonizeResample
import HarmonizeVolume

/// `harmonize batch --dicom`: a DICOM tree to an nnU-Net raw dataset.
///
/// OUTPUT/imagesTr/CASE_XXXX.nii.gz for every case (`DicomCasePlan`), OUTPUT/dataset.json (channel names, file
/// ending), and OUTPUT/dicom-cases.tsv mapping each case id to its patient ID, study, series and source folder (no
/// patient name anywhere, NIfTI description fields empty). The mapping is written before any image, so case ids stay
/// fixed across runs; OUTPUT/harmonize-dicom.jsonl records each case as it ends, and a re-run skips a case only when
/// its series' files, the parameters and its output files are unchanged.
public enum DicomDatasetBuilder {
  public static let manifestName = "harmonize-dicom.jsonl"
  public static let mappingName = "dicom-cases.tsv"

  public struct Options: Sendable {
    public var rules: [DicomChannelRule] = []
    public var prefix = "case"
    /// Resample every case to this spacing (mm; ITK order); nil keeps each series' own grid.
    public var spacing: [Double]?
    public var interpolation: Interpolation = .linear
    public var threads: Int?
    public var force = false
    public init() {}
  }

  public struct Summary: Sendable {
    public var converted: [String] = []
    public var skipped: [String] = []
    public var failures: [BatchSummary.Failure] = []
    public var notes: [String] = []
    public var text: String {
      var lines = failures.map { "failed: \($0.input): \($0.error)" }
      lines += notes.map { "note: \($0)" }
      lines.append(
        "\(converted.count) case\(converted.count == 1 ? "" : "s") written, \(skipped.count) already done, \(failures.count) failed"
      )
      return lines.joined(separator: "\n")
    }
  }

  struct Entry: Codable {
    enum Status: String, Codable { case done, failed }
    var id: String
    var status: Status
    var error: String?
    var series: [String: String]
    var parameters: String
    var outputs: [String: FileIdentity]
    var finished: String
  }

  public static func run(
    root: String, output: String, options: Options, progress: Bool
  ) throws(BatchError) -> Summary {
    guard DicomScan.isFolder(root) else { throw BatchError(root, "input folder not found") }
    let existed = FileManager.default.fileExists(atPath: output)
    do {
      try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    } catch {
      throw BatchError(output, "cannot create the output folder: \(error.localizedDescription)")
    }
    // Checked once the folder exists (links resolved): the tree is read, never written.
    if PathText.isInside(output, folder: root) || PathText.isInside(root, folder: output) {
      if !existed { try? FileManager.default.removeItem(atPath: output) }
      throw BatchError(output, "the output folder must not be inside the input folder, nor hold it")
    }
    let images = PathText.join(output, "imagesTr")
    do {
      try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
    } catch {
      throw BatchError(output, "cannot create the output folder: \(error.localizedDescription)")
    }
    let lock = try BatchLock(folder: output, shard: Shard(index: 0, count: 1))
    defer { lock.release() }
    let known = readMapping(PathText.join(output, mappingName))
    let plan = try DicomCasePlan.plan(root: root, rules: options.rules, prefix: options.prefix, known: known)
    try writeMapping(plan.cases, root: root, to: PathText.join(output, mappingName), keeping: known)
    try writeDataset(plan, to: PathText.join(output, "dataset.json"))
    var summary = Summary(failures: plan.failures, notes: plan.skipped.map { "left aside: \($0)" })
    let parameters =
      "spacing=\(options.spacing.map { formatList($0) } ?? "source") interpolation=\(options.interpolation.rawValue)"
    let manifest = try ManifestWriter(path: PathText.join(output, manifestName))
    let previous = readManifest(PathText.join(output, manifestName))
    for (index, c) in plan.cases.enumerated() {
      let outputs = c.channels.indices.map { PathText.join(images, c.id + String(format: "_%04d", $0) + ".nii.gz") }
      let series = Dictionary(uniqueKeysWithValues: c.channels.map { ($0.seriesUID, $0.digest) })
      if !options.force, let entry = previous[c.id], entry.status == .done, entry.series == series,
        entry.parameters == parameters,
        outputs.allSatisfy({
          entry.outputs[PathText.name($0)] != nil && FileIdentity($0) == entry.outputs[PathText.name($0)]
        }),
        outputs.allSatisfy({ (try? ImageFile.readHeader(at: $0)) != nil })
      {
        summary.skipped.append(c.id)
        continue
      }
      let start = Date()
      var entry = Entry(
        id: c.id, status: .done, error: nil, series: series, parameters: parameters, outputs: [:],
        finished: "")
      do {
        try convert(c, outputs: outputs, options: options)
        for path in outputs { entry.outputs[PathText.name(path)] = FileIdentity(path) }
        summary.converted.append(c.id)
      } catch {
        entry.status = .failed
        entry.error = "\(error)"
        summary.failures.append(
          .init(input: c.id + " (" + c.channels.map(\.reference).joined(separator: ", ") + ")", error: "\(error)"))
      }
      entry.finished = ISO8601DateFormatter().string(from: Date())
      manifest.append(entry)
      if progress {
        let line =
          "[\(index + 1)/\(plan.cases.count)] \(c.id) \(entry.status.rawValue) (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    return summary
  }

  /// Channel 0 on its own grid (or resampled to the spacing); every other channel on channel 0's grid, resampled
  /// linearly when its series lies elsewhere (nnU-Net needs one grid per case).
  static func convert(_ c: DicomCase, outputs: [String], options: Options) throws {
    var grid: Geometry?
    for (channel, source) in c.channels.enumerated() {
      let header = try ImageFile.readHeader(at: source.reference)
      let write = WriteOptions(compressionLevel: nil, threads: options.threads)
      if let target = grid ?? (options.spacing == nil ? header.geometry : nil),
        header.geometry.difference(from: target) == nil
      {
        try ImageFile.write(try ImageFile.read(at: source.reference), to: outputs[channel], options: write)
        grid = grid ?? header.geometry
        continue
      }
      let request = ResampleRequest(
        target: grid.map { .like($0) } ?? .spacing(options.spacing ?? header.geometry.spacing),
        interpolation: options.interpolation, threads: options.threads)
      let report = try FileResampler.resample(
        input: source.reference, output: outputs[channel], request: request, writeOptions: write)
      grid = grid ?? report.plan.geometry
    }
  }

  /// Case ids of earlier runs, by case key.
  static func readMapping(_ path: String) -> [String: String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var keys: [String: [String]] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count >= 5 else { continue }
      keys[fields[0], default: []].append(fields[4])
    }
    return Dictionary(keys.map { ($0.value.joined(separator: "+"), $0.key) }, uniquingKeysWith: { a, _ in a })
  }

  static let mappingHeader = [
    "case", "channel", "patient_id", "study_instance_uid", "series_instance_uid", "series_number",
    "series_description", "modality", "source",
  ]

  /// The mapping file: this run's cases, and earlier runs' that are not planned now (kept, so an id is never reused).
  static func writeMapping(
    _ cases: [DicomCase], root: String, to path: String, keeping known: [String: String]
  ) throws(BatchError) {
    func clean(_ text: String) -> String {
      text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
    var lines = [mappingHeader.joined(separator: "\t")]
    let planned = Set(cases.map(\.id))
    for c in cases {
      for (channel, s) in c.channels.enumerated() {
        lines.append(
          [
            c.id, String(format: "%04d", channel), clean(s.patientID), s.studyUID, s.seriesUID,
            s.seriesNumber.map(String.init) ?? "", clean(s.description), clean(s.modality),
            clean(DicomCasePlan.relative(s.reference, root)),
          ].joined(separator: "\t"))
      }
    }
    if let old = try? String(contentsOfFile: path, encoding: .utf8) {
      for line in old.split(separator: "\n").dropFirst() {
        let id = String(line.split(separator: "\t").first ?? "")
        if !planned.contains(id) && known.values.contains(id) { lines.append(String(line)) }
      }
    }
    do { try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: path) } catch {
      throw BatchError(path, error.detail)
    }
  }

  /// nnU-Net's dataset.json: channel names (a "CT" channel gets nnU-Net's CT normalization), the file ending, the
  /// case count; labels hold only the background until segmentations are added.
  static func writeDataset(_ plan: DicomCasePlan, to path: String) throws(BatchError) {
    let channels = Dictionary(
      uniqueKeysWithValues: plan.channelNames.enumerated().map { (String($0.offset), $0.element) })
    // Labels (and anything else) added by hand to an earlier dataset.json are kept.
    var dataset =
      (FileManager.default.contents(atPath: path).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        as? [String: Any]) ?? [:]
    dataset["channel_names"] = channels
    dataset["labels"] = dataset["labels"] ?? ["background": 0]
    dataset["numTraining"] = plan.cases.count
    dataset["file_ending"] = ".nii.gz"
    guard let data = try? JSONSerialization.data(withJSONObject: dataset, options: [.prettyPrinted, .sortedKeys]) else {
      throw BatchError(path, "cannot encode dataset.json")
    }
    do { try AtomicFile.write(data, to: path) } catch { throw BatchError(path, error.detail) }
  }

  static func readManifest(_ path: String) -> [String: Entry] {
    guard let data = FileManager.default.contents(atPath: path) else { return [:] }
    var latest: [String: Entry] = [:]
    for line in data.split(separator: UInt8(ascii: "\n")) {
      if let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) { latest[entry.id] = entry }
    }
    return latest
  }
}
