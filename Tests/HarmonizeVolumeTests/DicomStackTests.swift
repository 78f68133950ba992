import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// The geometry checks and the stacking of a DICOM series, on slices described directly (the files, pydicom and
/// dcm2niix are the conformance tests' business): each seeded fault is found, and only it.
@Suite("DICOM series stacking")
struct DicomStackTests {
  /// A series of `count` axial 4 x 3 slices 2.5 mm apart, in shuffled order with InstanceNumber reversed.
  func slices(
    _ count: Int = 8, step: Double = 2.5, orientation: [Double] = [1, 0, 0, 0, 1, 0], shear: Double = 0,
    positions: [Double]? = nil
  ) -> [DicomSlice] {
    let row = Array(orientation[0..<3]), column = Array(orientation[3..<6])
    let normal = DicomStack.cross(row, column)
    let offsets = positions ?? (0..<count).map { Double($0) * step }
    return offsets.enumerated().map { index, z in
      var s = DicomSlice(path: "/s/\(index)")
      s.seriesUID = "1.2.3"
      s.rows = 3
      s.columns = 4
      s.bitsAllocated = 16
      s.bitsStored = 12
      s.pixelSpacing = [0.7, 0.8]
      s.orientation = orientation
      s.position = (0..<3).map { 10 + normal[$0] * z + column[$0] * z * shear }
      s.instanceNumber = count - index
      return s
    }.shuffled()
  }

  func stack(_ slices: [DicomSlice]) -> DicomStack { DicomStack(DicomSeries(uid: "1.2.3", slices: slices)) }

  @Test func slicesAreOrderedByPositionAlongTheNormal() {
    let oblique = [0.8, 0.6, 0, -0.6, 0.8, 0]
    let s = stack(slices(orientation: oblique))
    #expect(s.problems.isEmpty, "\(s.problems)")
    #expect(s.geometry.size == [4, 3, 8])
    #expect(s.geometry.spacing[0] == 0.8 && s.geometry.spacing[1] == 0.7 && abs(s.geometry.spacing[2] - 2.5) < 1e-12)
    #expect(s.slices.map(\.path) == (0..<8).map { "/s/\($0)" })
    #expect(s.geometry.origin == [10, 10, 10])
    #expect(s.geometry.direction == [0.8, -0.6, 0, 0.6, 0.8, 0, 0, 0, 1])
  }

  @Test func eachSeededFaultIsFound() {
    let cases: [(String, [DicomSlice], String)] = [
      ("tilt", slices(shear: 0.27), "gantry tilt"),
      ("gap", slices(positions: [0, 2.5, 5, 10, 12.5]), "missing slices: 1 missing after slice 2"),
      ("uneven", slices(positions: [0, 2.5, 5, 8, 10.5]), "non-uniform slice spacing"),
      ("duplicate", slices(positions: [0, 2.5, 2.5, 5]), "repeats a slice position"),
    ]
    for (name, series, expected) in cases {
      let problems = stack(series).problems
      #expect(problems.count == 1 && problems[0].contains(expected), "\(name): \(problems)")
    }
    var sizes = slices()
    sizes[2].rows = 5
    #expect(stack(sizes).problems.first?.contains("inconsistent image sizes") == true)
    var turned = slices()
    turned[1].orientation = [0, 1, 0, 0, 0, -1]
    #expect(stack(turned).problems == [stack(turned).problems.first { $0.contains("2 slice orientations") }!])
    var unplaced = slices()
    unplaced[0].position = nil
    #expect(stack(unplaced).problems.first?.contains("ImagePositionPatient") == true)
  }

  @Test func roundedPositionsAreNotAFault() {
    // DICOM's decimal strings round positions to a few digits: 0.001 mm wobble is no uneven spacing.
    let wobble = (0..<20).map { Double($0) * 0.625 + ($0 % 2 == 0 ? 0.001 : -0.001) }
    #expect(stack(slices(positions: wobble)).problems.isEmpty)
  }

  @Test func aLocalizerIsLeftOutAndSaidSo() {
    var series = slices()
    var scout = series[0]
    scout.path = "/s/scout"
    scout.orientation = [0, 1, 0, 0, 0, -1]
    scout.imageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    series.append(scout)
    let s = stack(series)
    #expect(s.problems.isEmpty && s.slices.count == 8)
    #expect(s.notes == ["1 localizer image left out (ImageType LOCALIZER)"])
  }

  @Test func theOutputTypeHoldsEveryRescaledValue() {
    var s = slices(1)[0]
    #expect(DicomPixels.outputType([s]) == .u16)
    s.intercept = -1024
    #expect(DicomPixels.outputType([s]) == .i16)  // 12 bits stored: -1024 ... 3071
    s.bitsStored = 16
    #expect(DicomPixels.outputType([s]) == .i32)  // -1024 ... 64511
    s.slope = 0.5
    #expect(DicomPixels.outputType([s]) == .f32)
  }

  @Test func storedBitsAreMaskedAndSignExtendedThenRescaled() {
    var s = slices(1)[0]
    s.pixelRepresentation = 1
    s.bitsStored = 12
    s.intercept = 10
    // 0xF800 carries junk above bit 11; its 12 bits are 0x800 = -2048. 0x07FF = 2047.
    let stored: [UInt16] = [0xF800, 0x07FF, 0x0001]
    var out = [Int16](repeating: 0, count: 3)
    stored.withUnsafeBytes { source in
      out.withUnsafeMutableBytes { target in
        DicomPixels.convert(source.baseAddress!, count: 3, of: s, to: .i16, at: target.baseAddress!)
      }
    }
    #expect(out == [-2038, 2057, 11])
  }

  @Test func aFolderTooBigToBeASeriesIsRefusedNotWalked() throws {
    let folder = TemporaryFolder("dicom-many")
    for index in 0..<12 { FileManager.default.createFile(atPath: folder.file("f\(index)"), contents: Data([1])) }
    #expect(throws: ImageFileError.self) { _ = try DicomScan.listFiles(folder.path, limit: 10) }
    #expect(try DicomScan.listFiles(folder.path, limit: 20).count == 12)
  }
}
