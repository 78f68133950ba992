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
    /// Reads an image and its label map at once (each read inflates on one core); unreadable files become flags.
    func readPair(_ image: String?, _ label: String?, _ roles: (String, String)) -> (Volume?, Volume?) {
      let read = ConcurrentReads([image, label])
      for (index, role) in [roles.0, roles.1].enumerated() {
        if let problem = read.problems[index] {
          result.flags.append(QCFlag(severity: .error, label: nil, message: "cannot read the \(role): \(problem)"))
        }
      }
      return (read.volumes[0], read.volumes[1])
    }
    let shown = readPair(input.image, input.label, ("image", "label map"))
    let after = drawRow(
      title: input.beforeImage == nil && input.beforeLabel == nil ? "image" : "after",
      image: shown.0, labels: shown.1, paths: (input.image, input.label),
      page: page, folder: folder, result: &result, thumbnail: true)
    var before: LabelStatistics?
    if input.beforeImage != nil || input.beforeLabel != nil {
      let sources = readPair(input.beforeImage, input.beforeLabel, ("source image", "source label map"))
      before =
        drawRow(
          title: "before", image: sources.0, labels: sources.1, paths: (input.beforeImage, input.beforeLabel),
          page: page, folder: folder, result: &result, thumbnail: false)
    }
    result.labels = labelRows(after: after, before: before, names: labelNames, hasLabels: input.label != nil)
    for row in result.labels {
      if let flag = row.flag { result.flags.append(flag) }
    }
    for (value, label) in (after?.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let share = label.backgroundShare, share > backgroundLimit else { continue }
      let flag = QCFlag(
        severity: .warning, label: value,
        message:
          "label \(value): \(Int((share * 100).rounded()))% of it lies on background (air, outside the body): a label from another case, or a shifted one?"
      )
      result.flags.append(flag)
      if let row = result.labels.firstIndex(where: { $0.value == value }), result.labels[row].flag == nil {
        result.labels[row].flag = flag
      }
    }
    return result
  }

  /// Draws one row of three views (and the thumbnail), records the geometry, and measures the labels.
  private static func drawRow(
    title: String, image: Volume?, labels: Volume?, paths: (image: String?, label: String?), page: String,
    folder: String, result: inout QCCaseResult, thumbnail: Bool
  ) -> LabelStatistics? {
    guard let shown = image ?? labels else { return nil }
    let window = image.map { DisplayWindow(of: $0) }
    var overlay = labels
    if let image, let labels, let difference = labels.geometry.difference(from: image.geometry) {
      result.flags.append(
        QCFlag(
          severity: .error, label: nil,
          message: "\(title): the label map's grid differs from the image's (\(difference)); its outlines are not drawn"
        ))
      overlay = nil
    }
    let statistics = labels.map { map in
      LabelStatistics(
        labels: map, image: overlay == nil ? nil : image,
        backgroundLevel: window.flatMap { $0.backgroundShare >= 0.05 ? $0.backgroundLevel : nil })
    }
    let geometry = shown.geometry
    // Through the largest label's centre (the centre of all labels can fall between two organs), else the image's.
    let largest = statistics?.labels.max {
      $0.value.voxels != $1.value.voxels ? $0.value.voxels < $1.value.voxels : $0.key > $1.key
    }
    let centre = largest?.value.centroid ?? geometry.size.prefix(3).map { Double($0 - 1) / 2 }
    var files: [String] = []
    for view in SliceView.allCases {
      let plan = SlicePlan(geometry: geometry, view: view, longestSide: viewSide)
      let index = Int(centre[plan.fixedAxis].rounded())
      let rgb = SliceRenderer.render(image: image, window: window, labels: overlay, plan: plan, fixedIndex: index)
      let name = "img/\(page)-\(title)-\(view.rawValue).png"
      do {
        try PNGFile.write(rgb: rgb, width: plan.width, height: plan.height, to: PathText.join(folder, name))
        files.append(name)
      } catch {
        result.flags.append(QCFlag(severity: .error, label: nil, message: "cannot write a picture: \(error)"))
      }
      if thumbnail && view == .axial {
        let small = SlicePlan(geometry: geometry, view: view, longestSide: thumbnailSide)
        let pixels = SliceRenderer.render(
          image: image, window: window, labels: overlay, plan: small, fixedIndex: index)
        let name = "img/\(page)-thumbnail.png"
        if (try? PNGFile.write(rgb: pixels, width: small.width, height: small.height, to: PathText.join(folder, name)))
          != nil
        {
          result.thumbnail = name
        }
      }
    }
    let sliceText = SliceView.allCases.map { view -> String in
      let plan = SlicePlan(geometry: geometry, view: view, longestSide: viewSide)
      return "\(view.rawValue) \(Int(centre[plan.fixedAxis].rounded()))"
    }.joined(separator: ", ")
    result.pictures.append(
      QCCaseResult.Picture(
        title: title, files: files,
        description: [paths.image, paths.label].compactMap { $0 }.joined(separator: " + ")
          + " (slices \(sliceText); window: \(window?.rule ?? "none"))"))
    for (role, volume, path) in [("image", image, paths.image), ("label map", labels, paths.label)] {
      guard let volume, let path else { continue }
      result.geometry.append(
        (
          title == "image" ? role : "\(title) \(role)",
          "\(PathText.name(path)): size \(formatList(volume.geometry.size)), spacing \(formatList(volume.geometry.spacing)) mm, \(Orientation.axisCodes(volume.geometry)), \(volume.pixelType)"
            + (volume.components > 1 ? " x \(volume.components)" : "")
        ))
    }
    if title != "before", let statistics {
      result.windowWidth = window.map { $0.high - $0.low }
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
    var result = [0.5, 0.5, 0.5]
    for (axis, assignment) in Orientation.axisAssignment(geometry).enumerated() {
      let n = Double(max(1, geometry.size[axis] - 1))
      let towardsPositive = (assignment.worldAxis == 2 ? assignment.sign : -assignment.sign) > 0
      let fraction = centroid[axis] / n
      result[assignment.worldAxis] = towardsPositive ? fraction : 1 - fraction
    }
    return result
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
              "label \(value)\(name) \(a < b ? "shrank" : "grew") by \(Int((abs(a / b - 1) * 100).rounded()))%: \(millilitres(b)) mL before, \(millilitres(a)) mL after"
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
