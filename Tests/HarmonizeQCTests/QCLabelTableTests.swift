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
    let before = LabelStatistics(labels: try Self.map([1: 500, 2: 100, 3: 50, 4: 10]))
    let after = LabelStatistics(labels: try Self.map([1: 510, 2: 60, 4: 10]))
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
    var statistics = LabelStatistics(labels: labels)
    let pass = ImagePass.run(volume: image, requests: [(2, 5)], labels: (labels, statistics))
    statistics.measureIntensities(
      means: pass.labelMeans, samples: pass.labelSamples, backgroundLevel: pass.window.backgroundLevel)
    #expect(statistics.labels[7]?.backgroundShare == 0.5)
    #expect(statistics.labels[7]?.meanIntensity == 50)
    // The streamed pass over the same image written as .nii.gz gives the same numbers and the same slice.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qc-pass-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try ImageFile.write(image, to: folder + "/image.nii.gz")
    #expect(
      try PlaneReader.open(at: folder + "/image.nii.gz", header: ImageFile.readHeader(at: folder + "/image.nii.gz"))
        != nil)
    let source = try ImagePass.Source(path: folder + "/image.nii.gz")
    let streamed = try ImagePass.run(source, requests: [(2, 5), (1, 3), (0, 9)], labels: (labels, statistics))
    let whole = ImagePass.run(volume: image, requests: [(2, 5), (1, 3), (0, 9)], labels: (labels, statistics))
    #expect(streamed.labelMeans == whole.labelMeans && streamed.labelSamples == whole.labelSamples)
    #expect(streamed.window == whole.window)
    for (a, b) in zip(streamed.slices, whole.slices) {
      #expect(a.geometry.size == b.geometry.size)
      #expect((0..<a.voxelCount).allSatisfy { a.value(at: $0) == b.value(at: $0) })
    }
    // The coronal slice (axis 1 at 3) holds row y = 3 of every plane: body where the index is below 600.
    #expect(whole.slices[1].geometry.size == [10, 1, 10])
    #expect(whole.slices[1].value(at: 0) == 100 && whole.slices[1].value(at: 9 * 10) == 0)
  }
}
