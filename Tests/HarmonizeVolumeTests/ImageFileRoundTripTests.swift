import Foundation
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeVolume

/// File endings whose round trip we promise: NIfTI, NRRD and MetaImage, attached and detached.
let roundTripEndings = [".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd"]

/// Asserts two geometries agree: sizes exactly, spacing, origin and direction to `tolerance`.
func expectSameGeometry(
  _ a: Geometry, _ b: Geometry, tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(a.size == b.size, sourceLocation: sourceLocation)
  for (x, y) in zip(a.spacing, b.spacing) {
    #expect(abs(x - y) <= tolerance, "spacing \(a.spacing) vs \(b.spacing)", sourceLocation: sourceLocation)
  }
  for (x, y) in zip(a.origin, b.origin) {
    #expect(abs(x - y) <= tolerance, "origin \(a.origin) vs \(b.origin)", sourceLocation: sourceLocation)
  }
  #expect(a.direction.count == b.direction.count, sourceLocation: sourceLocation)
  for (x, y) in zip(a.direction, b.direction) {
    #expect(abs(x - y) <= tolerance, "direction \(a.direction) vs \(b.direction)", sourceLocation: sourceLocation)
  }
}

/// Asserts two volumes hold the same values, bit for bit.
func expectSameVoxels(_ a: Volume, _ b: Volume, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.pixelType == b.pixelType, sourceLocation: sourceLocation)
  #expect(a.components == b.components, sourceLocation: sourceLocation)
  let same = a.withUnsafeBytes { x in
    b.withUnsafeBytes { y in x.count == y.count && memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
  }
  #expect(same, "voxel bytes differ", sourceLocation: sourceLocation)
}

@Suite("ImageFile round trips")
struct ImageFileRoundTripTests {
  @Test(arguments: PixelType.allCases, roundTripEndings)
  func everyPixelTypeAndFormatRoundTrips(_ type: PixelType, _ ending: String) throws {
    let folder = TemporaryFolder("roundtrip")
    let path = folder.file("image\(ending)")
    let volume = SyntheticVolume.make(
      size: [7, 5, 3], spacing: [0.7, 0.8, 2.5], origin: [-12.5, 30.25, 7],
      direction: SyntheticVolume.obliqueDirection(), pixelType: type)
    try ImageFile.write(volume, to: path)
    let back = try ImageFile.read(at: path)
    expectSameGeometry(back.geometry, volume.geometry)
    expectSameVoxels(back, volume)
    // Nothing but the output (and a detached data file) is left in the folder.
    #expect(folder.contents.allSatisfy { !$0.hasPrefix(".harmonize-tmp-") })
  }

  /// Writes `volume` as `name`, reads it back, and checks geometry to 1e-6 and voxels bit for bit.
  private func expectRoundTrip(
    _ volume: Volume, as name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let folder = TemporaryFolder("roundtrip")
    try ImageFile.write(volume, to: folder.file(name))
    let back = try ImageFile.read(at: folder.file(name))
    #expect(back.geometry.dimension == volume.geometry.dimension, sourceLocation: sourceLocation)
    #expect(back.components == volume.components, sourceLocation: sourceLocation)
    expectSameGeometry(back.geometry, volume.geometry, sourceLocation: sourceLocation)
    expectSameVoxels(back, volume, sourceLocation: sourceLocation)
  }

  @Test(arguments: [".nii.gz", ".nrrd", ".mha"])
  func twoDimensionalImageRoundTrips(_ ending: String) throws {
    let a = 0.2
    try expectRoundTrip(
      SyntheticVolume.make(
        size: [9, 4], spacing: [0.5, 0.25], origin: [3, -4],
        direction: [cos(a), -sin(a), sin(a), cos(a)], pixelType: .u16),
      as: "slice\(ending)")
  }

  @Test(arguments: [".nii.gz", ".nrrd", ".mha"])
  func fourDimensionalImageRoundTrips(_ ending: String) throws {
    var direction = Geometry.identity(4)
    let oblique = SyntheticVolume.obliqueDirection()
    for r in 0..<3 { for c in 0..<3 { direction[r * 4 + c] = oblique[r * 3 + c] } }
    try expectRoundTrip(
      SyntheticVolume.make(
        size: [6, 5, 4, 3], spacing: [1, 1.5, 2, 2000], origin: [1, 2, 3, 0],
        direction: direction, pixelType: .f32),
      as: "series\(ending)")
  }

  @Test(arguments: [".nii.gz", ".nrrd", ".mha"])
  func multiComponentImageRoundTrips(_ ending: String) throws {
    try expectRoundTrip(
      SyntheticVolume.make(size: [4, 3, 2], spacing: [1, 1, 1], pixelType: .f32, components: 3),
      as: "vector\(ending)")
  }

  @Test func writeReplacesAnExistingFileWhole() throws {
    let folder = TemporaryFolder("replace")
    let path = folder.file("out.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: [3, 3, 3], pixelType: .u8), to: path)
    let bigger = SyntheticVolume.make(size: [8, 8, 8], pixelType: .i16)
    try ImageFile.write(bigger, to: path)
    expectSameVoxels(try ImageFile.read(at: path), bigger)
    #expect(folder.contents == ["out.nii.gz"])
  }

  @Test func explicitCompressionLevelCompressesMetaImage() throws {
    let folder = TemporaryFolder("compress")
    var volume = try Volume(geometry: Geometry(size: [64, 64, 16], spacing: [1, 1, 1]), pixelType: .i16)
    volume.withUnsafeMutableBufferPointer(as: Int16.self) { $0[0] = 5 }
    try ImageFile.write(volume, to: folder.file("raw.mha"))
    try ImageFile.write(volume, to: folder.file("packed.mha"), options: WriteOptions(compressionLevel: 6))
    let raw = try FileManager.default.attributesOfItem(atPath: folder.file("raw.mha"))[.size] as! Int
    let packed = try FileManager.default.attributesOfItem(atPath: folder.file("packed.mha"))[.size] as! Int
    #expect(raw > volume.byteCount)
    #expect(packed < raw / 20)
    expectSameVoxels(try ImageFile.read(at: folder.file("packed.mha")), volume)
  }
}
