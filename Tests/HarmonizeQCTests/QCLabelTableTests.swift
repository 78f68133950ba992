import Foundation
import HarmonizeVolume
import Testing

@testable import HarmonizeQC

/// The label table of a case page: volumes in mL, every named label listed, and a label that vanished, shrank or
/// lies on background flagged.
@Suite("QC label table")
struct QCLabelTableTests {
  static func map(_ values: [Int: Int], spacing: [Double] = [1, 1, 2]) throws -> Volume {
    var volume = try Volume(geometry: Geometry(size: [10, 10, 10], spacing: spacing), pixelType: .u8)
    var index = 0
    for (value, count) in values.sorted(by: { $0.key < $1.key }) {
      for _ in 0..<count {
        volume.setValue(Double(value), at: index)
        index += 1
      }
    }
    return volume
  }

  @Test func volumesAreMillilitresAndChangesAreFlagged() throws {
    let before = LabelStatistics(
      labels: try Self.map([1: 500, 2: 100, 3: 50, 4: 10]), image: nil, backgroundLevel: nil)
    let after = LabelStatistics(labels: try Self.map([1: 510, 2: 60, 4: 10]), image: nil, backgroundLevel: nil)
    #expect(before.labels[1]?.millilitres == 1.0, "500 voxels of 2 mm³")
    let rows = QCCaseRenderer.labelRows(after: after, before: before, names: [5: "absent organ"], hasLabels: true)
    #expect(rows.map(\.value) == [1, 2, 3, 4, 5])
    #expect(rows[0].flag == nil, "2% more is within the limit")
    #expect(rows[1].flag?.message.contains("shrank by 40%") == true && rows[1].flag?.severity == .warning)
    #expect(rows[2].flag?.message.contains("vanished") == true && rows[2].flag?.severity == .error)
    #expect(rows[3].flag == nil)
    #expect(rows[4].after == 0 && rows[4].name == "absent organ")
  }

  @Test func aLabelOnBackgroundIsMeasured() throws {
    var image = try Volume(geometry: Geometry(size: [10, 10, 10], spacing: [1, 1, 2]), pixelType: .i16)
    // Body (100) in the first 600 voxels, air (0) after.
    for index in 0..<600 { image.setValue(100, at: index) }
    var labels = try Volume(geometry: image.geometry, pixelType: .u8)
    for index in 500..<700 { labels.setValue(7, at: index) }
    let window = DisplayWindow(of: image)
    let statistics = LabelStatistics(labels: labels, image: image, backgroundLevel: window.backgroundLevel)
    #expect(statistics.labels[7]?.backgroundShare == 0.5)
    #expect(statistics.labels[7]?.meanIntensity == 50)
  }
}
