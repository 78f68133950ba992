import Foundation
import HarmonizeCheck
import HarmonizeVolume

/// Reads a case's files, measures its labels and writes its pictures into a report folder's `img/`.
public enum QCCaseRenderer {
  /// Picture size: the longer side of each view on a case page, and of the overview's thumbnail.
  static let viewSide = 320
  static let thumbnailSide = 112

  /// Labels whose volume changes by more than this fraction between before and after are flagged.
  public static let volumeChangeLimit = 0.2
  /// Labels with more than this share of their voxels on background are flagged.
  public static let backgroundLimit = 0.25

  /// - Parameters:
  ///   - page: the case page's unique file stem.
  ///   - labelNames: label value → name (dataset.json), listed even when absent from a case.
  public static func render(
    _ input: QCCase, page: String, labelNames: [Int: String], report folder: String
  ) -> QCCaseResult {
    var result = QCCaseResult(
      id: input.id, page: page, thumbnail: nil, pictures: [], geometry: [], labels: [], flags: [],
      findings: input.findings)
    let after = drawRow(
      title: input.beforeImage == nil && input.beforeLabel == nil ? "image" : "after",
      paths: (input.image, input.label), roles: ("image", "label map"), page: page, folder: folder,
      result: &result, thumbnail: true)
    var before: LabelStatistics?
    if input.beforeImage != nil || input.beforeLabel != nil {
      before = drawRow(
        title: "before", paths: (input.beforeImage, input.beforeLabel), roles: ("source image", "source label map"),
        page: page, folder: folder, result: &result, thumbnail: false)
    }
    result.labels = labelRows(after: after, before: before, names: labelNames, hasLabels: input.label != nil)
    for row in result.labels {
      if let flag = row.flag { result.flags.append(flag) }
    }
    for (value, label) in (after?.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let share = label.backgroundShare, share > backgroundLimit else { continue }
      result.add(
        QCFlag(
          severity: .warning, label: value,
          message:
            "label \(value): \(formatPercent(share)) of it lies on background (air, outside the body): a label from another case, or a shifted one?"
        ))
    }
    return result
  }

  /// Draws one row of three views (and the thumbnail), records the geometry, and measures the labels. The label map
  /// is read whole; the image is read in one forward pass (`ImagePass`), streamed where the format allows.
  private static func drawRow(
    title: String, paths: (image: String?, label: String?), roles: (image: String, label: String), page: String,
    folder: String, result: inout QCCaseResult, thumbnail: Bool
  ) -> LabelStatistics? {
    func flagUnreadable(_ role: String, _ error: any Error) {
      result.flags.append(QCFlag(severity: .error, label: nil, message: "cannot read the \(role): \(error)"))
    }
    var labels: Volume?
    var source: ImagePass.Source?
    // The image first: it starts inflating while the label map is read.
    if let path = paths.image {
      do { source = try ImagePass.Source(path: path) } catch { flagUnreadable(roles.image, error) }
    }
    if let path = paths.label {
      do { labels = try ImageFile.read(at: path) } catch { flagUnreadable(roles.label, error) }
    }
    let imageHeader = source?.header
    guard let geometry = imageHeader?.geometry ?? labels?.geometry else { return nil }
    var overlay = labels
    if let imageHeader, let labels, let difference = labels.geometry.difference(from: imageHeader.geometry) {
      result.flags.append(
        QCFlag(
          severity: .error, label: nil,
          message: "\(title): the label map's grid differs from the image's (\(difference)); its outlines are not drawn"
        ))
      overlay = nil
    }
    var statistics = labels.map { LabelStatistics(labels: $0) }
    // Through the largest label's centre (the centre of all labels can fall between two organs), else the image's.
    let largest = statistics?.labels.max {
      $0.value.voxels != $1.value.voxels ? $0.value.voxels < $1.value.voxels : $0.key > $1.key
    }
    let middle: [Double] = (0..<3).map { $0 < geometry.size.count ? Double(geometry.size[$0] - 1) / 2 : 0 }
    let centre: [Double] = largest?.value.centroid ?? middle
    let lps = geometry.lpsAxes
    let requests: [(axis: Int, index: Int)] = SliceView.allCases.map { view in
      let axis = lps[view.axes.fixed].voxelAxis
      return (axis, Int(centre[axis].rounded()))
    }
    var pass: ImagePass?
    if let source {
      do {
        pass = try ImagePass.run(
          source, requests: requests, labels: overlay.flatMap { map in statistics.map { (map, $0) } })
      } catch {
        flagUnreadable(roles.image, error)
      }
    }
    if let pass, overlay != nil {
      statistics?.measureIntensities(
        means: pass.labelMeans, samples: pass.labelSamples,
        backgroundLevel: pass.window.backgroundShare >= 0.05 ? pass.window.backgroundLevel : nil)
    }
    var files: [String] = []
    for (index, view) in SliceView.allCases.enumerated() {
      let request = requests[index]
      let imageSlice = pass?.slices[index]
      let labelSlice = (overlay ?? (pass == nil ? labels : nil)).map {
        LabelSlice.extract($0, axis: request.axis, index: request.index)
      }
      guard let sliceGeometry = (imageSlice ?? labelSlice)?.geometry else { continue }
      for (side, name) in [(viewSide, "img/\(page)-\(title)-\(view.rawValue).png")]
        + (thumbnail && view == .axial ? [(thumbnailSide, "img/\(page)-thumbnail.png")] : [])
      {
        let plan = SlicePlan(geometry: sliceGeometry, view: view, longestSide: side)
        let rgb = SliceRenderer.render(
          image: imageSlice, window: pass?.window, labels: labelSlice, plan: plan, fixedIndex: 0)
        do {
          try PNGFile.write(rgb: rgb, width: plan.width, height: plan.height, to: PathText.join(folder, name))
          if side == thumbnailSide { result.thumbnail = name } else { files.append(name) }
        } catch {
          result.flags.append(QCFlag(severity: .error, label: nil, message: "cannot write a picture: \(error)"))
        }
      }
    }
    let sliceText = SliceView.allCases.enumerated().map { "\($0.element.rawValue) \(requests[$0.offset].index)" }
      .joined(separator: ", ")
    result.pictures.append(
      QCCaseResult.Picture(
        title: title, files: files,
        description: [paths.image, paths.label].compactMap { $0 }.joined(separator: " + ")
          + " (slices \(sliceText); window: \(pass?.window.rule ?? "none"))"))
    for (role, header, path) in [
      ("image", imageHeader, paths.image), ("label map", labels.map { $0.header() }, paths.label),
    ] {
      guard let header, let path else { continue }
      result.geometry.append(
        (
          title == "image" ? role : "\(title) \(role)",
          "\(PathText.name(path)): size \(formatList(header.geometry.size)), spacing \(formatList(header.geometry.spacing)) mm, \(Orientation.axisCodes(header.geometry)), \(header.pixelType)"
            + (header.components > 1 ? " x \(header.components)" : "")
        ))
    }
    if title != "before", let statistics {
      result.windowWidth = pass.map { $0.window.high - $0.window.low }
      for (value, label) in statistics.labels {
        result.positions[value] = relativePosition(label.centroid, geometry)
        if let mean = label.meanIntensity { result.intensities[value] = mean }
      }
    }
    return statistics
  }

  /// A voxel-index centroid as a fraction 0...1 of the image's extent along L, P and S.
  static func relativePosition(_ centroid: [Double], _ geometry: Geometry) -> [Double] {
    guard geometry.dimension >= 3 else { return centroid.map { _ in 0.5 } }
    return geometry.lpsAxes.map { axis in
      let fraction = centroid[axis.voxelAxis] / Double(max(1, geometry.size[axis.voxelAxis] - 1))
      return axis.towardsPositive ? fraction : 1 - fraction
    }
  }

  /// Rows for every label named in dataset.json or present before or after; flags a label that vanished, shrank or
  /// grew by more than `volumeChangeLimit`.
  static func labelRows(
    after: LabelStatistics?, before: LabelStatistics?, names: [Int: String], hasLabels: Bool
  ) -> [QCLabelRow] {
    guard hasLabels || after != nil || before != nil else { return [] }
    let values = Set(names.keys.filter { $0 != 0 }).union(after?.labels.keys ?? [:].keys).union(
      before?.labels.keys ?? [:].keys)
    return values.sorted().map { value in
      let afterML = after.map { $0.labels[value]?.millilitres ?? 0 }
      let beforeML = before.map { $0.labels[value]?.millilitres ?? 0 }
      var row = QCLabelRow(value: value, name: names[value], before: beforeML, after: afterML, flag: nil)
      let name = names[value].map { " (\($0))" } ?? ""
      if let b = beforeML, let a = afterML, b > 0 {
        if a == 0 {
          row.flag = QCFlag(
            severity: .error, label: value,
            message: "label \(value)\(name) vanished: \(millilitres(b)) mL before, none after")
        } else if abs(a / b - 1) > volumeChangeLimit {
          row.flag = QCFlag(
            severity: .warning, label: value,
            message:
              "label \(value)\(name) \(a < b ? "shrank" : "grew") by \(formatPercent(abs(a / b - 1))): \(millilitres(b)) mL before, \(millilitres(a)) mL after"
          )
        }
      } else if let b = beforeML, let a = afterML, b == 0, a > 0 {
        row.flag = QCFlag(
          severity: .warning, label: value,
          message: "label \(value)\(name) appeared: none before, \(millilitres(a)) mL after")
      }
      return row
    }
  }
}
