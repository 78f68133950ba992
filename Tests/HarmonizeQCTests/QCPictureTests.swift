import Foundation
import HarmonizeVolume
import Testing

@testable import HarmonizeQC

/// QC's pictures follow the patient, not the file: the same anatomy stored LPS or RAS gives the same pixels, and a
/// pixel is square in millimetres.
@Suite("QC pictures")
struct QCPictureTests {
  /// An asymmetric pattern, as stored LPS (identity direction).
  static func pattern() throws -> Volume {
    var volume = try Volume(geometry: Geometry(size: [12, 10, 8], spacing: [1, 1.5, 3]), pixelType: .i16)
    for index in 0..<volume.voxelCount { volume.setValue(Double((index * 37) % 101), at: index) }
    return volume
  }

  /// The same voxels stored with axes 0 and 1 reversed and a RAS direction: the same physical image.
  static func storedRAS(_ lps: Volume) throws -> Volume {
    let g = lps.geometry
    let far = g.point(atIndex: [Double(g.size[0] - 1), Double(g.size[1] - 1), 0])
    var ras = try Volume(
      geometry: Geometry(
        size: g.size, spacing: g.spacing, origin: [far[0], far[1], g.origin[2]],
        direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1]), pixelType: lps.pixelType)
    let (nx, ny) = (g.size[0], g.size[1])
    for k in 0..<g.size[2] {
      for j in 0..<ny {
        for i in 0..<nx {
          ras.setValue(lps.value(at: i + nx * (j + ny * k)), at: (nx - 1 - i) + nx * ((ny - 1 - j) + ny * k))
        }
      }
    }
    return ras
  }

  @Test func theSameAnatomyStoredLPSOrRASGivesTheSamePictures() throws {
    let lps = try Self.pattern()
    let ras = try Self.storedRAS(lps)
    #expect(Orientation.axisCodes(ras.geometry) == "RAS")
    let window = DisplayWindow(of: lps)
    for view in SliceView.allCases {
      let a = SlicePlan(geometry: lps.geometry, view: view, longestSide: 64)
      let b = SlicePlan(geometry: ras.geometry, view: view, longestSide: 64)
      #expect(a.width == b.width && a.height == b.height)
      let pictureA = SliceRenderer.render(image: lps, window: window, labels: nil, plan: a, fixedIndex: 3)
      // The fixed axis is axis 2 for axial, axis 1 (reversed) for coronal, axis 0 (reversed) for sagittal.
      let fixed = view == .axial ? 3 : view == .coronal ? lps.geometry.size[1] - 1 - 3 : lps.geometry.size[0] - 1 - 3
      let pictureB = SliceRenderer.render(image: ras, window: window, labels: nil, plan: b, fixedIndex: fixed)
      #expect(pictureA == pictureB, "\(view)")
    }
  }

  @Test func picturesKeepThePhysicalAspectAndTheRadiologicalSides() throws {
    let volume = try Self.pattern()  // 12 x 15 x 24 mm
    let coronal = SlicePlan(geometry: volume.geometry, view: .coronal, longestSide: 96)
    #expect(coronal.height == 96 && coronal.width == 48)
    let axial = SlicePlan(geometry: volume.geometry, view: .axial, longestSide: 60)
    #expect(axial.height == 60 && axial.width == 48)
    // Axial: the patient's right (low LPS x) on the viewer's left, anterior (low LPS y) at the top.
    #expect(axial.columns.first == 0 && axial.columns.last == 11 && axial.rows.first == 0)
    // Coronal: superior (high LPS z) at the top.
    #expect(coronal.rows.first == 7 && coronal.rows.last == 0)
  }

  @Test func aCTGetsASoftTissueWindowAndAnMRItsPercentiles() throws {
    var ct = try Volume(geometry: Geometry(size: [32, 32, 4], spacing: [1, 1, 1]), pixelType: .i16)
    for index in 0..<ct.voxelCount { ct.setValue(index % 3 == 0 ? -1000 : Double(index % 80), at: index) }
    let ctWindow = DisplayWindow(of: ct)
    #expect(ctWindow.low == -160 && ctWindow.high == 240, "\(ctWindow)")
    var mr = try Volume(geometry: Geometry(size: [32, 32, 4], spacing: [1, 1, 1]), pixelType: .f32)
    for index in 0..<mr.voxelCount { mr.setValue(Double(index % 1000), at: index) }
    let mrWindow = DisplayWindow(of: mr)
    #expect(mrWindow.rule.contains("0.5-99.5%"))
    #expect(mrWindow.low <= 5 && mrWindow.high >= 990 && mrWindow.high <= 999, "\(mrWindow)")
  }

  @Test func labelsOnlyOutlinedWhereTheyAre() throws {
    var image = try Volume(geometry: Geometry(size: [10, 10, 3], spacing: [1, 1, 1]), pixelType: .u8)
    var labels = try Volume(geometry: image.geometry, pixelType: .u8)
    for index in 0..<image.voxelCount { image.setValue(50, at: index) }
    // A 4 x 4 square of label 3 on slice 1.
    for j in 3..<7 { for i in 3..<7 { labels.setValue(3, at: i + 10 * (j + 10)) } }
    let plan = SlicePlan(geometry: image.geometry, view: .axial, longestSide: 10)
    let rgb = SliceRenderer.render(
      image: image, window: DisplayWindow(of: image), labels: labels, plan: plan, fixedIndex: 1)
    let colour = LabelPalette.colour(3)
    func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(rgb[(3 * (y * 10 + x))..<(3 * (y * 10 + x) + 3)]) }
    #expect(pixel(3, 3) == [colour.0, colour.1, colour.2], "the square's edge is drawn in its colour")
    #expect(pixel(4, 4) != pixel(3, 3) && pixel(4, 4) != pixel(0, 0), "its inside is lightly filled")
    #expect(pixel(0, 0) == pixel(9, 9), "outside it, the image alone")
  }
}
