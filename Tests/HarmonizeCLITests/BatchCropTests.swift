import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// `batch --crop-nonzero` with nnU-Net's resampling crops each case's images and label with the union of the images'
/// non-zero boxes, and gives exactly what `resample --crop-nonzero` / `--crop-to` give for the same files (which the
/// conformance tests compare with nnunetv2).
@Suite("batch --crop-nonzero")
struct BatchCropTests {
  @Test func casesAreCroppedWithTheirImagesBoxLikeResample() throws {
    let input = TemporaryFolder("batch-crop-in")
    try DatasetFixture.layout(
      at: input.path, channels: ["T2", "ADC"], labels: [("background", "0"), ("organ", "1")], numTraining: 1)
    let geometry = Geometry(size: [60, 50, 8], spacing: [1, 1, 4])
    var t2 = try Volume(geometry: geometry, pixelType: .i16)
    var adc = try Volume(geometry: geometry, pixelType: .i16)
    var label = try Volume(geometry: geometry, pixelType: .u8)
    for k in 0..<8 {
      for j in 0..<50 {
        for i in 0..<60 {
          let n = i + 60 * (j + 50 * k)
          // Channel boxes differ (x 10-39 and 20-44): the crop is their union, x 10-44, y 5-44.
          if (10..<40).contains(i) && (5..<45).contains(j) { t2.setValue(Double(100 + i * j % 97), at: n) }
          if (20..<45).contains(i) && (8..<30).contains(j) { adc.setValue(Double(50 + (i + k) % 13), at: n) }
          if (15..<30).contains(i) && (10..<25).contains(j) { label.setValue(1, at: n) }
        }
      }
    }
    try ImageFile.write(t2, to: input.file("imagesTr/c_000_0000.nii.gz"))
    try ImageFile.write(adc, to: input.file("imagesTr/c_000_0001.nii.gz"))
    try ImageFile.write(label, to: input.file("labelsTr/c_000.nii.gz"))
    let output = TemporaryFolder("batch-crop-out")
    let batch = try run(
      TestEnvironment.harmonizeBinary,
      [
        "batch", input.path, output.file("out"), "--spacing", "2", "--interpolation", "nnunet",
        "--label-interpolation", "nnunet", "--crop-nonzero",
      ])
    #expect(batch.status == 0, "\(batch.stdout) \(batch.stderr)")
    let channels = [input.file("imagesTr/c_000_0000.nii.gz"), input.file("imagesTr/c_000_0001.nii.gz")]
    for (relative, extra) in [
      ("imagesTr/c_000_0000.nii.gz", ["--interpolation", "nnunet"]),
      ("imagesTr/c_000_0001.nii.gz", ["--interpolation", "nnunet"]),
      ("labelsTr/c_000.nii.gz", ["--interpolation", "nnunet-label"]),
    ] {
      let single = output.file(PathText.name(relative))
      let resample = try run(
        TestEnvironment.harmonizeBinary,
        ["resample", input.file(relative), single, "--spacing", "2", "--no-sidecar"] + extra
          + channels.flatMap { ["--crop-to", $0] })
      #expect(resample.status == 0, "\(resample.stderr)")
      let fromBatch = try ImageFile.read(at: output.file("out/" + relative))
      let alone = try ImageFile.read(at: single)
      // The union box is 35 x 40 x 8 voxels at 1 x 1 x 4 mm: 18 x 20 x 16 at 2 mm (nnU-Net's round, half to even).
      #expect(fromBatch.geometry.size == [18, 20, 16], "\(relative)")
      #expect(fromBatch.geometry.difference(from: alone.geometry) == nil, "\(relative)")
      #expect((0..<alone.valueCount).allSatisfy { fromBatch.value(at: $0) == alone.value(at: $0) }, "\(relative)")
    }
    let refused = try run(
      TestEnvironment.harmonizeBinary, ["batch", input.path, output.file("x"), "--spacing", "2", "--crop-nonzero"])
    #expect(refused.status == 2 && refused.stderr.contains("--crop-nonzero goes with --interpolation nnunet"))
  }
}
