import HarmonizeCheck
import HarmonizeVolume

/// The report's two kinds of page, as HTML text.
enum QCPages {
  static func document(title: String, body: String, script: Bool) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>\(html(title))</title>
    <style>\(ReportAssets.style)</style></head>
    <body>
    \(body)
    \(script ? "<script>\(ReportAssets.sortScript)</script>" : "")
    </body></html>

    """
  }

  static func severityCell(_ severity: Severity?) -> String {
    guard let severity else { return "<td data-sort=\"0\">ok</td>" }
    return "<td data-sort=\"\(QCReport.rank(severity))\" class=\"sev-\(severity.rawValue)\">\(severity.rawValue)</td>"
  }

  static func overview(_ results: [QCCaseResult], title: String) -> String {
    let flagged = results.filter { QCReport.rank($0.worst) >= 2 }.count
    var rows = ""
    for result in results {
      let problems = result.flags.map(\.message) + result.findings.map { "\($0.check): \($0.message)" }
      let geometry = result.geometry.first?.text ?? ""
      let thumbnail =
        result.thumbnail.map { "<img src=\"\(html($0))\" alt=\"\(html(result.id)) axial\" loading=\"eager\">" } ?? ""
      rows += """
        <tr class="\(result.worst.map { $0.rawValue } ?? "")">\(severityCell(result.worst))\
        <td><a href="cases/\(html(result.page)).html">\(html(result.id))</a></td>\
        <td>\(thumbnail)</td><td>\(html(geometry))</td>\
        <td data-sort="\(result.labels.count)">\(result.labels.map { "\($0.value)" }.joined(separator: " "))</td>\
        <td data-sort="\(problems.count)">\(problems.isEmpty ? "" : "<ul>" + problems.map { "<li>\(html($0))</li>" }.joined() + "</ul>")</td></tr>

        """
    }
    let body = """
      <h1>\(html(title))</h1>
      <p>\(results.count) cases, \(flagged) flagged (worst first). Click a column to sort; click a case for its page.</p>
      <table class="sortable" id="cases"><thead><tr><th>worst</th><th>case</th><th>axial view</th><th>geometry</th>\
      <th>labels</th><th>problems</th></tr></thead>
      <tbody>
      \(rows)</tbody></table>
      <p class="muted">Flags: a label that vanished or changed volume by more than \
      \(Int(QCCaseRenderer.volumeChangeLimit * 100))% in the resample; more than \
      \(Int(QCCaseRenderer.backgroundLimit * 100))% of a label on background; a label whose centre lies more than \
      \(Int(DatasetComparison.positionLimit * 100))% of the image's extent from the other cases' median, or whose mean \
      intensity lies more than \(formatNumber(DatasetComparison.intensityLimit)) robust spreads from theirs (labels in \
      at least \(DatasetComparison.minimumCases) cases).</p>
      """
    return document(title: title, body: body, script: true)
  }

  static func casePage(_ result: QCCaseResult, title: String) -> String {
    var body = "<p><a href=\"../index.html\">← \(html(title))</a></p>\n<h1>\(html(result.id))</h1>\n"
    for picture in result.pictures {
      body += "<h2>\(html(picture.title))</h2>\n<div class=\"views\">"
      for file in picture.files {
        let view = file.split(separator: "-").last.map { String($0.dropLast(4)) } ?? ""
        body +=
          "<figure><img src=\"../\(html(file))\" alt=\"\(html(picture.title)) \(html(view))\"><figcaption>\(html(view))</figcaption></figure>"
      }
      body += "</div>\n<p class=\"muted\">\(html(picture.description))</p>\n"
    }
    body += "<h2>Labels</h2>\n"
    if result.labels.isEmpty {
      body += "<p>No label map.</p>\n"
    } else {
      let hasBefore = result.labels.contains { $0.before != nil }
      body += "<table class=\"sortable\" id=\"labels\"><thead><tr><th>label</th><th>name</th>"
      body += hasBefore ? "<th>before (mL)</th><th>after (mL)</th><th>change</th>" : "<th>volume (mL)</th>"
      body += "<th>flag</th></tr></thead><tbody>\n"
      for row in result.labels {
        let swatch = "<span class=\"swatch\" style=\"background:\(LabelPalette.hex(row.value))\"></span>"
        body += "<tr class=\"\(row.flag.map { $0.severity.rawValue } ?? "")\" data-label=\"\(row.value)\">"
        body += "<td data-sort=\"\(row.value)\">\(swatch)\(row.value)</td><td>\(html(row.name ?? ""))</td>"
        if hasBefore {
          let change =
            row.before.flatMap { b in
              row.after.map { a in b > 0 ? "\(formatNumber(((a / b - 1) * 1000).rounded() / 10))%" : "" }
            } ?? ""
          body +=
            "<td>\(row.before.map(millilitres) ?? "")</td><td>\(row.after.map(millilitres) ?? "")</td><td>\(change)</td>"
        } else {
          body += "<td>\(row.after.map(millilitres) ?? "")</td>"
        }
        body +=
          "<td>\(row.flag.map { "<span class=\"sev-\($0.severity.rawValue)\">\(html($0.message))</span>" } ?? "")</td></tr>\n"
      }
      body += "</tbody></table>\n"
    }
    body += "<h2>Flags and findings</h2>\n"
    if result.flags.isEmpty && result.findings.isEmpty {
      body += "<p>None.</p>\n"
    } else {
      body +=
        "<table id=\"findings\"><thead><tr><th>severity</th><th>from</th><th>what</th><th>fix</th></tr></thead><tbody>\n"
      for flag in result.flags {
        body +=
          "<tr class=\"\(flag.severity.rawValue)\">\(severityCell(flag.severity))<td>qc</td><td>\(html(flag.message))</td><td></td></tr>\n"
      }
      for finding in result.findings {
        var what = finding.message
        if let measured = finding.measured {
          what += " (found \(measured)" + (finding.expected.map { ", expected \($0)" } ?? "") + ")"
        }
        body +=
          "<tr class=\"\(finding.severity.rawValue)\">\(severityCell(finding.severity))<td>check: \(html(finding.check))</td><td>\(html(what))</td><td><code>\(html(finding.fix ?? ""))</code></td></tr>\n"
      }
      body += "</tbody></table>\n"
    }
    body += "<h2>Geometry</h2>\n<table id=\"geometry\"><tbody>\n"
    for (title, text) in result.geometry { body += "<tr><th>\(html(title))</th><td>\(html(text))</td></tr>\n" }
    body +=
      "</tbody></table>\n<p class=\"muted\">Spacing in mm; orientation in nibabel's RAS+ axis codes. Views: axial with the patient's right on the left, coronal likewise, sagittal with anterior on the left; pixels square in mm.</p>\n"
    return document(title: "\(result.id) · \(title)", body: body, script: true)
  }
}
