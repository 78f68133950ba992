import Foundation
import HarmonizeVolume

extension CheckReport {
  /// The readable report: a header line, each case with its findings, the memory advice, the summary line.
  public var text: String {
    var lines: [String] = []
    lines.append(
      "reference: \(reference) (\(referenceKind))\(configuration.map { ", configuration \($0)" } ?? ""), nnU-Net target spacing \(formatList(targetSpacing.map(rounded))) mm (ITK order)"
    )
    for note in referenceNotes { lines.append("note: \(note)") }
    for c in cases {
      lines.append("")
      let status = c.worst.map { $0 == .note ? "ok (notes)" : $0.rawValue.uppercased() } ?? "ok"
      lines.append(
        "\(c.id)  [\(c.files.count) channel file\(c.files.count == 1 ? "" : "s")\(c.label != nil ? " + label" : "")]  \(status)"
      )
      for f in c.findings.sorted(by: { $0.severity > $1.severity }) {
        lines.append(
          "  \(f.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(f.check): \(f.message)")
        if let measured = f.measured { lines.append("          found:    \(measured)") }
        if let expected = f.expected { lines.append("          expected: \(expected)") }
        if let fix = f.fix { lines.append("          fix:      \(fix)") }
      }
      if let m = c.memory {
        let e = m.estimate
        lines.append(
          "  memory: \(formatList(m.size))\(m.croppedSize != m.size ? " crop \(formatList(m.croppedSize))" : "") → \(formatList(m.predictedSize)), K = \(e.input.segmentationHeads): preprocess worker \(formatBytes(Int(e.preprocessWorker))), export worker \(formatBytes(Int(e.exportWorker))), main \(formatBytes(Int(e.main))), GPU arrays \(formatBytes(Int(e.gpuDataArrays)))"
        )
      }
    }
    if let advice = memoryAdvice {
      lines.append("")
      lines.append(advice.text)
    }
    for line in unreadable { lines.append("unreadable: \(line)") }
    lines.append("")
    lines.append(summaryLine)
    return lines.joined(separator: "\n")
  }

  /// "3 cases: 1 error, 2 warnings, 0 notes".
  public var summaryLine: String {
    "\(cases.count) case\(cases.count == 1 ? "" : "s"): \(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s"), \(noteCount) note\(noteCount == 1 ? "" : "s")"
  }

  /// The report as JSON (same content as the text, plus a `summary` object).
  public func jsonData() -> Data {
    (try? JSONEncoder.fingerprint.encode(self)) ?? Data()
  }
}

extension MemoryAdvice {
  /// What to run nnU-Net with, in two or three lines.
  public var text: String {
    var lines = ["memory (largest case; \(formatBytes(Int(memory))) RAM, 80% = \(formatBytes(Int(usable))) planned):"]
    if defaultsFit {
      lines.append("  nnUNetv2_predict defaults (-npp 3 -nps 3) fit: \(formatBytes(Int(needed))) needed")
    } else if let npp = preprocessWorkers, let nps = exportWorkers {
      lines.append(
        npp == 0
          ? "  only nnU-Net's sequential mode fits: nnUNetv2_predict ... -npp 0 -nps 0 (\(formatBytes(Int(needed))))"
          : "  nnU-Net's defaults do not fit; use nnUNetv2_predict ... -npp \(npp) -nps \(nps) (\(formatBytes(Int(needed))))"
      )
    } else {
      lines.append(
        "  does not fit even in nnU-Net's sequential mode (\(formatBytes(Int(needed)))): resample coarser, use a *_torchres plan or 3d_lowres, or more RAM"
      )
    }
    if notOnDevice { lines.append("  the logits do not fit the GPU: add --not_on_device (included above)") }
    if let k = validationExportWorkers {
      lines.append("  validation (--val): export nnUNet_def_n_proc=\(k) (the default 8 export workers do not fit)")
    }
    if let npp = preprocessWorkers, npp > 0 {
      lines.append("  in a container, give /dev/shm at least the queued inputs (npp x float32 input)")
    }
    return lines.joined(separator: "\n")
  }
}
