import Foundation
import HarmonizeVolume

/// How `harmonize check` runs.
public struct CheckOptions: Sendable {
  /// The nnU-Net configuration whose plan spacing applies (model references only).
  public var configuration: String
  /// RAM the prediction may use, bytes (80% of it is planned with).
  public var memory: Double
  /// GPU memory, bytes; nil to skip the GPU comparison.
  public var gpuMemory: Double?
  /// Read pixels for NaN/Inf, intensities, labels and the non-zero crop; false checks headers only.
  public var readPixels: Bool
  /// Folds averaged at prediction; nil takes the model folder's `fold_*` count, else 5 (nnU-Net's default).
  public var folds: Int?
  /// A folder of label files (`{CASE}{ending}`) to check against the images.
  public var labelsFolder: String?
  /// The inputs are read by harmonize (`predict`), not by nnU-Net: a DICOM series is an input like a file, and
  /// nnU-Net's naming rules do not apply to it.
  public var harmonizeReads = false

  public init(
    configuration: String = "3d_fullres", memory: Double, gpuMemory: Double? = nil, readPixels: Bool = true,
    folds: Int? = nil, labelsFolder: String? = nil
  ) {
    self.configuration = configuration
    self.memory = memory
    self.gpuMemory = gpuMemory
    self.readPixels = readPixels
    self.folds = folds
    self.labelsFolder = labelsFolder
  }
}

/// Checks prediction inputs against a reference, case by case; one case's failure never stops the others.
public enum Checker {
  /// Runs every check on every case.
  /// - Throws: `CheckReferenceError` when the requested configuration is not in the reference's plans.
  public static func check(
    _ inputs: [String], against reference: CheckReference,
    options: CheckOptions
  ) throws(CheckReferenceError) -> CheckReport {
    var configuration: NNUNetPlans.Configuration?
    if let plans = reference.plans {
      guard let found = plans.configurations[options.configuration] else {
        let names = plans.configurations.keys.sorted().joined(separator: ", ")
        throw CheckReferenceError(
          reference.path, "plans have no configuration \(options.configuration) (they have: \(names))")
      }
      configuration = found
    }
    let (cases, missing) = CheckInputs.collect(inputs, labelsFolder: options.labelsFolder)
    var unreadable = missing.map { "\($0): no such file or folder" }
    var reports: [CaseReport] = []
    for files in cases {
      let facts = CaseFacts.gather(files: files, readPixels: options.readPixels) { headers, nonzero in
        CaseChecks.estimateMemory(
          files: files, headers: headers, nonzeroSize: nonzero, reference: reference, options: options,
          configuration: configuration)
      }
      let checks = CaseChecks(facts: facts, reference: reference, options: options, configuration: configuration)
      unreadable += facts.unreadable
      reports.append(checks.report)
    }
    let estimates = reports.compactMap { $0.memory?.estimate }
    let advice =
      estimates.isEmpty ? nil : MemoryAdvice(worstOf: estimates, memory: options.memory, gpuMemory: options.gpuMemory)
    var notes: [String] = []
    if reference.fingerprint.orientations == nil {
      notes.append(
        "the reference records no orientation or pixel type (nnU-Net's fingerprint does not); run `harmonize fingerprint` on the training images to check them"
      )
    }
    if reference.segmentationHeads == nil {
      notes.append("the reference names no labels: memory assumes K = 2 segmentation heads")
    }
    if !options.readPixels {
      notes.append("headers only: NaN/Inf, intensities, labels and the non-zero crop were not checked")
    }
    if reference.plans == nil && reference.fingerprint.targetSpacingIsEstimate {
      notes.append("target spacing \(DatasetFingerprint.estimateNote)")
    }
    notes += reference.problems.map { "reference: \($0)" }
    let target =
      configuration.map { _ in
        reference.plans!.spacingITK(of: configuration!, ownSpacing: reference.fingerprint.targetSpacing)
      }
      ?? reference.fingerprint.targetSpacing
    return CheckReport(
      reference: reference.path,
      referenceKind: reference.fingerprint.kind,
      configuration: configuration?.name, targetSpacing: target, referenceNotes: notes,
      cases: reports, memoryAdvice: advice, unreadable: unreadable)
  }
}

/// The checks of one case: each a function of the case's facts (read once, `CaseFacts`) and the reference, adding its
/// findings to a list. None changes anything another reads, so the order below only orders the report.
struct CaseChecks {
  let facts: CaseFacts
  let reference: CheckReference
  let options: CheckOptions
  let configuration: NNUNetPlans.Configuration?

  var files: CaseFiles { facts.files }
  var headers: [Int: ImageHeader] { facts.headers }
  /// The first channel's header: the case's geometry.
  var primary: ImageHeader? { facts.primary }
  var memory: CaseMemory? { facts.memory }

  typealias Check = (CaseChecks) -> (inout [Finding]) -> Void

  /// The checks that need a readable first channel, in report order.
  static var geometryAndPixelChecks: [Check] {
    [
      checkChannelGeometry, checkNiftiTransforms, checkDimensionAndComponents, checkPixelTypes, checkOrientation,
      checkSize, checkPixels, checkLabelFile, checkSpacing, checkMemory,
    ]
  }

  /// Every check's findings, the checks run in `order` (report order by default).
  func findings(order: [Check] = geometryAndPixelChecks) -> [Finding] {
    var out: [Finding] = []
    checkNaming(into: &out)
    checkReadable(into: &out)
    guard primary != nil else { return out }
    for check in order { check(self)(&out) }
    return out
  }

  var report: CaseReport {
    CaseReport(id: files.id, files: files.paths, label: files.label, findings: findings(), memory: memory)
  }

  /// Channel files whose header cannot be read.
  func checkReadable(into out: inout [Finding]) {
    for channel in facts.headerErrors.keys.sorted() {
      let error = facts.headerErrors[channel]!
      out.append(
        Finding(
          .error, "read", "cannot be read: \(error.detail)", measured: files.channels[channel]!,
          fix: "replace the file; nnU-Net's worker would die on it (\"Background workers died\")"))
    }
  }
}
