import Foundation
import HarmonizeResample
import HarmonizeVolume

/// `harmonize plan`: what each candidate target spacing would do to a dataset, from headers alone.
public struct SpacingPlan: Codable, Sendable {
  /// One candidate spacing (isotropic, mm).
  public struct Row: Codable, Sendable {
    public var spacing: Double
    /// Output size per case (ITK order), after the size cap.
    public var sizes: [String: [Int]]
    public var totalVoxels: Int
    /// Uncompressed bytes of every output: each channel at its pixel type, labels as u8.
    public var bytes: Int
    public var largestCase: String
    public var largestSize: [Int]
    /// Cases whose spacing the size cap coarsened.
    public var cappedCases: Int
    /// nnU-Net prediction memory of the largest case, already at this spacing (no resampling inside nnU-Net).
    public var largestCaseMemory: PredictionMemory
    /// RAM `nnUNetv2_predict` needs for it with default workers, and whether that fits 80% of `--memory`.
    public var defaultWorkersMemory: Double
    public var fits: Bool
    public var warnings: [String]
  }

  public var caseCount: Int
  /// Spacing per axis over the cases, ITK order, mm.
  public var spacing: [AxisStatistics]
  /// Coarsest over finest median spacing.
  public var anisotropy: Double
  /// Median spacing of the coarsest axis (the through-plane spacing of slice-wise scans), mm.
  public var throughPlaneSpacing: Double
  /// nnU-Net's fullres target spacing rule on these cases (median; 10th percentile on an anisotropic axis), ITK order.
  public var nnunetTargetSpacing: [Double]
  /// The target spacing comes from raw sizes (headers), not sizes after nnU-Net's crop: an estimate.
  public var nnunetTargetSpacingIsEstimate: Bool? = nil
  public var rows: [Row]
  /// Index of the suggested row: the finest without warnings whose largest case fits; else the coarsest.
  public var suggested: Int
  /// Why the suggested row is not the finest candidate without warnings that fits the memory, when none is.
  public var suggestionNote: String?
  public var memory: Double
  public var maxSize: [Int]?

  /// Plans from a (headers-only) fingerprint.
  /// - Parameters:
  ///   - candidates: isotropic target spacings, mm.
  ///   - memory: RAM for prediction, bytes.
  public static func make(_ f: DatasetFingerprint, candidates: [Double], maxSize: [Int]?, memory: Double) -> SpacingPlan
  {
    let medians = f.spacing.map(\.median)
    let throughPlane = medians.max() ?? 1
    let channels = max(1, f.channelNames.count)
    let heads = f.segmentationHeads ?? max(2, f.labelValues?.count ?? 2)
    let hasLabels = f.labels != nil || f.labelValues != nil
    var rows: [Row] = []
    for c in candidates {
      var sizes: [String: [Int]] = [:]
      var total = 0, bytes = 0, capped = 0
      var largest = ("", [Int](), 0)
      var pixelBytes = 2
      for record in f.cases {
        guard let size = record.size else { continue }
        let n = size.count
        let header = ImageHeader(
          format: "", geometry: Geometry(size: size, spacing: record.spacing), pixelType: .u8, components: 1)
        let request = ResampleRequest(target: .spacing([c]), maxSize: maxSize)
        guard let plan = try? GridPlanner.plan(header, request) else { continue }
        let out = Array(plan.geometry.size.prefix(n))
        let voxels = out.reduce(1, *)
        sizes[record.id] = out
        total += voxels
        let types = (record.pixelTypes ?? []).compactMap { PixelType(rawValue: $0) }
        pixelBytes = types.map(\.byteCount).max() ?? 2
        bytes +=
          voxels * (types.isEmpty ? channels * 2 : types.reduce(0) { $0 + $1.byteCount }) + (hasLabels ? voxels : 0)
        if plan.capped { capped += 1 }
        if voxels > largest.2 { largest = (record.id, out, voxels) }
      }
      let estimate = PredictionMemory(
        .init(
          channels: channels, segmentationHeads: heads, originalVoxels: largest.2,
          croppedVoxels: largest.2, predictedVoxels: largest.2, readerBytes: pixelBytes,
          resampled: false, separateZ: false, folds: 5))
      var warnings: [String] = []
      if c < throughPlane / 3 {
        warnings.append(
          "finer than a third of the through-plane spacing (\(formatNumber(throughPlane)) mm): slices would be invented"
        )
      }
      if capped > 0 { warnings.append("the size cap coarsens \(capped) case\(capped == 1 ? "" : "s")") }
      let needed = estimate.total(npp: 3, nps: 3)
      rows.append(
        Row(
          spacing: c, sizes: sizes, totalVoxels: total, bytes: bytes, largestCase: largest.0, largestSize: largest.1,
          cappedCases: capped, largestCaseMemory: estimate, defaultWorkersMemory: needed,
          fits: needed <= 0.8 * memory, warnings: warnings))
    }
    let order = rows.indices.sorted { rows[$0].spacing < rows[$1].spacing }
    // The rule: the finest candidate without warnings that fits 80% of the memory; else the coarsest, saying why.
    let qualifying = order.first { rows[$0].fits && rows[$0].warnings.isEmpty }
    let suggested = qualifying ?? order.last ?? 0
    var note: String?
    if qualifying == nil, rows.indices.contains(suggested) {
      let r = rows[suggested]
      let reasons =
        r.warnings
        + (r.fits
          ? []
          : [
            "nnU-Net's defaults need \(formatBytes(Int(r.defaultWorkersMemory))), over 80% of \(formatBytes(Int(memory)))"
          ])
      note =
        "no candidate fits the memory without a warning; the coarsest, \(formatNumber(r.spacing)) mm, is suggested although \(reasons.joined(separator: "; "))"
    }
    return SpacingPlan(
      caseCount: f.caseCount, spacing: f.spacing,
      anisotropy: (medians.max() ?? 1) / max(1e-12, medians.min() ?? 1), throughPlaneSpacing: throughPlane,
      nnunetTargetSpacing: f.targetSpacing, nnunetTargetSpacingIsEstimate: f.targetSpacingIsEstimate, rows: rows,
      suggested: suggested, suggestionNote: note, memory: memory,
      maxSize: maxSize)
  }

  /// The readable table, and the `batch` command for the suggested row.
  public func text(dataset: String) -> String {
    var lines = ["\(caseCount) cases; spacing (ITK order i, j, k; mm):"]
    for (axis, s) in spacing.enumerated() {
      lines.append(
        "  axis \(axis): min \(formatNumber(rounded(s.min))), p10 \(formatNumber(rounded(s.p10))), median \(formatNumber(rounded(s.median))), p90 \(formatNumber(rounded(s.p90))), max \(formatNumber(rounded(s.max)))"
      )
    }
    lines.append(
      "anisotropy \(formatNumber(rounded(anisotropy))) (coarsest / finest median spacing); nnU-Net target spacing \(formatList(nnunetTargetSpacing.map(rounded))) mm\(nnunetTargetSpacingIsEstimate == true ? " (\(DatasetFingerprint.estimateNote))" : "")"
    )
    lines.append("")
    lines.append(
      "spacing  largest case            total voxels  disk (raw)  capped  nnU-Net RAM, largest case (defaults)")
    for (i, r) in rows.enumerated() {
      let size = r.largestSize.map(String.init).joined(separator: "x")
      lines.append(
        String(
          format: "%@ %-7@  %-22@  %12ld  %10@  %6ld  %@%@", i == suggested ? "*" : " ",
          formatNumber(r.spacing) as NSString,
          "\(size) (\(r.largestCase))" as NSString, r.totalVoxels, formatBytes(r.bytes) as NSString, r.cappedCases,
          formatBytes(Int(r.defaultWorkersMemory)) as NSString,
          (r.fits ? "" : " (over 80% of \(formatBytes(Int(memory))))") as NSString))
      for w in r.warnings { lines.append("           warning: \(w)") }
    }
    if rows.indices.contains(suggested) {
      let r = rows[suggested]
      lines.append("")
      lines.append(
        "suggested (*): harmonize batch \(quote(dataset)) OUTPUT --spacing \(formatNumber(r.spacing))"
          + (maxSize.map { " --max-size \($0.map(String.init).joined(separator: ","))" } ?? "")
          + " --label-interpolation label")
      if let suggestionNote { lines.append("note: \(suggestionNote)") }
    }
    return lines.joined(separator: "\n")
  }
}
