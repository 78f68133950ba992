import Foundation
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Streaming (slab by slab) against the whole-volume path: the same file contents, voxel for voxel.
@Suite("slab streaming")
struct StreamingTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var interpolation: Interpolation
    var pixelType: PixelType
    var spacing: [Double]
    var direction: [Double]?
    var grid: GridPreset = .center
    var sitk = false
    var testDescription: String { "\(interpolation) \(pixelType) \(spacing) \(direction == nil ? "" : "oblique") \(grid)\(sitk ? " sitk" : "")" }
  }

  static let cases: [Case] = [
    Case(interpolation: .linear, pixelType: .i16, spacing: [0.5]),
    Case(interpolation: .linear, pixelType: .f32, spacing: [1.7, 1.3, 0.9]),
    Case(interpolation: .linear, pixelType: .i16, spacing: [0.6], direction: SyntheticVolume.obliqueDirection()),
    Case(interpolation: .linear, pixelType: .u8, spacing: [0.7], grid: .nnunet),
    Case(interpolation: .linear, pixelType: .i16, spacing: [0.8], sitk: true),
    Case(interpolation: .nearest, pixelType: .u8, spacing: [0.45]),
    Case(interpolation: .label, pixelType: .u8, spacing: [0.55, 0.55, 0.9]),
    Case(interpolation: .label, pixelType: .i16, spacing: [1.3]),
  ]

  @Test(arguments: cases)
  func slabsEqualTheWholeVolume(_ c: Case) throws {
    let folder = TemporaryFolder("stream")
    let input = folder.file("in.nii.gz")
    let source = c.interpolation == .linear
      ? SyntheticVolume.make(size: [23, 17, 13], spacing: [1, 1.2, 2], origin: [3, -4, 5], direction: c.direction, pixelType: c.pixelType)
      : DatasetFixture.label(size: [23, 17, 13], spacing: [1, 1.2, 2], origin: [3, -4, 5], direction: c.direction, pixelType: c.pixelType)
    try ImageFile.write(source, to: input)
    let request = ResampleRequest(target: .spacing(c.spacing), grid: c.grid, interpolation: c.interpolation, sitkCompatible: c.sitk)
    let whole = try FileResampler.resample(input: input, output: folder.file("whole.nii.gz"), request: request, streaming: .never)
    #expect(!whole.streamed)
    for slab in [1, 4096, 1 << 20] {
      let name = folder.file("slab\(slab).nii.gz")
      let streamed = try FileResampler.resample(input: input, output: name, request: request, streaming: .always(slabBytes: slab))
      #expect(streamed.streamed)
      let a = try ImageFile.read(at: folder.file("whole.nii.gz")), b = try ImageFile.read(at: name)
      #expect(a.geometry == b.geometry && a.pixelType == b.pixelType)
      #expect(a.allValues == b.allValues, "slab \(slab) bytes")
    }
    #expect(!folder.contents.contains { $0.hasPrefix(".harmonize-tmp") })
  }

  @Test func bsplineAndOtherFormatsAreWrittenWhole() throws {
    let plan = try GridPlanner.plan(ImageHeader(format: "", geometry: Geometry(size: [4, 4, 4], spacing: [1, 1, 1]), pixelType: .i16, components: 1),
                                    ResampleRequest(target: .spacing([0.5])))
    #expect(FileResampler.streamingSlabBytes(output: "x.nii.gz", plan: plan, interpolation: .linear, streaming: .always(slabBytes: 1)) == 1)
    #expect(FileResampler.streamingSlabBytes(output: "x.nii.gz", plan: plan, interpolation: .bspline, streaming: .always(slabBytes: 1)) == nil)
    #expect(FileResampler.streamingSlabBytes(output: "x.nrrd", plan: plan, interpolation: .linear, streaming: .always(slabBytes: 1)) == nil)
    #expect(FileResampler.streamingSlabBytes(output: "x.nii.gz", plan: plan, interpolation: .linear) == nil) // small: whole
  }
}
