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
    var testDescription: String {
      "\(interpolation) \(pixelType) \(spacing) \(direction == nil ? "" : "oblique") \(grid)\(sitk ? " sitk" : "")"
    }
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
    // Downsampling, as W4: each output plane reads input planes no other slab needs.
    Case(interpolation: .linear, pixelType: .i16, spacing: [2.1, 2.5, 4.5]),
    Case(interpolation: .nearest, pixelType: .f32, spacing: [3, 3, 5]),
    Case(interpolation: .label, pixelType: .u8, spacing: [2.5, 2.5, 4.1]),
  ]

  @Test(arguments: cases)
  func slabsEqualTheWholeVolume(_ c: Case) throws {
    let folder = TemporaryFolder("stream")
    let input = folder.file("in.nii.gz")
    let source =
      c.interpolation == .linear
      ? SyntheticVolume.make(
        size: [23, 17, 13], spacing: [1, 1.2, 2], origin: [3, -4, 5], direction: c.direction, pixelType: c.pixelType)
      : DatasetFixture.label(
        size: [23, 17, 13], spacing: [1, 1.2, 2], origin: [3, -4, 5], direction: c.direction, pixelType: c.pixelType)
    try ImageFile.write(source, to: input)
    let request = ResampleRequest(
      target: .spacing(c.spacing), grid: c.grid, interpolation: c.interpolation, sitkCompatible: c.sitk)
    let whole = try FileResampler.resample(
      input: input, output: folder.file("whole.nii.gz"), request: request, streaming: .never)
    #expect(!whole.streamed && !whole.inputStreamed)
    let expected = try ImageFile.read(at: folder.file("whole.nii.gz"))
    // Both sides streamed (.nii.gz out), and the input alone (.nii out is written whole); from a one-member and a
    // many-member (the first streamed output, one member per slab) input.
    let many = try Self.manyMembers(of: input, in: folder)
    // The copy's geometry went through NIfTI's float32 fields once more: compare it with its own whole-volume result.
    _ = try FileResampler.resample(
      input: many, output: folder.file("whole-many.nii.gz"), request: request, streaming: .never)
    let expectedMany = try ImageFile.read(at: folder.file("whole-many.nii.gz"))
    let runs: [(output: String, input: String, slab: Int)] = [
      ("slab1.nii.gz", input, 1), ("slab4096.nii.gz", input, 4096), ("slab1M.nii.gz", input, 1 << 20),
      ("in-only.nii", input, 3000), ("many-members.nii.gz", many, 3000),
    ]
    for run in runs {
      let streamed = try FileResampler.resample(
        input: run.input, output: folder.file(run.output), request: request,
        streaming: .always(slabBytes: run.slab))
      #expect(streamed.streamed == run.output.hasSuffix(".nii.gz"), "\(run.output)")
      // The output axes are the input's (an oblique input keeps its direction), so the input streams.
      #expect(streamed.inputStreamed, "\(run.output): \(streamed.notes)")
      let b = try ImageFile.read(at: folder.file(run.output))
      let expected = run.input == many ? expectedMany : expected
      #expect(expected.geometry == b.geometry && expected.pixelType == b.pixelType)
      #expect(expected.allValues == b.allValues, "\(run.output)")
    }
    #expect(!folder.contents.contains { $0.hasPrefix(".harmonize-tmp") })
  }

  /// A grid rotated against the input samples every input plane from every output plane: the input is read whole.
  @Test func rotatedGridReadsTheInputWhole() throws {
    let folder = TemporaryFolder("stream-rotated")
    let input = folder.file("in.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: [20, 18, 16], spacing: [1, 1, 1.5], pixelType: .i16), to: input)
    let target = Geometry(
      size: [20, 18, 16], spacing: [1, 1, 1], origin: [0, 0, 0], direction: SyntheticVolume.obliqueDirection())
    let request = ResampleRequest(target: .like(target))
    let report = try FileResampler.resample(
      input: input, output: folder.file("out.nii.gz"), request: request,
      streaming: .always(slabBytes: 2048))
    #expect(!report.inputStreamed && report.streamed)
    #expect(
      report.notes.contains { $0.hasPrefix("input read whole: the output grid is not axis-aligned") }, "\(report.notes)"
    )
    let whole = try FileResampler.resample(
      input: input, output: folder.file("whole.nii.gz"), request: request, streaming: .never)
    #expect(!whole.streamed)
    #expect(
      try ImageFile.read(at: folder.file("out.nii.gz")).allValues
        == ImageFile.read(at: folder.file("whole.nii.gz")).allValues)
  }

  /// A copy of `path` written one plane per gzip member.
  static func manyMembers(of path: String, in folder: TemporaryFolder) throws -> String {
    let volume = try ImageFile.read(at: path)
    let copy = folder.file("input-many.nii.gz")
    let planeBytes = volume.byteCount / volume.geometry.size[2]
    try ImageFile.writeStreaming(header: volume.header(), to: copy) { append in
      try volume.withUnsafeBytes { bytes in
        for z in 0..<volume.geometry.size[2] {
          try append(UnsafeRawBufferPointer(rebasing: bytes[(z * planeBytes)..<((z + 1) * planeBytes)]))
        }
      }
    }
    return copy
  }

  /// A corrupt input found while streaming leaves no output, whichever side streams.
  @Test(arguments: ["out.nii.gz", "out.nii"])
  func corruptStreamedInputLeavesNoOutput(_ name: String) throws {
    let folder = TemporaryFolder("stream-bad")
    let input = folder.file("in.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: [40, 30, 24], spacing: [1, 1, 2], pixelType: .i16), to: input)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
    bytes[bytes.count - 6] ^= 0xff  // the CRC, met only after the last plane
    try Data(bytes).write(to: URL(fileURLWithPath: input))
    let request = ResampleRequest(target: .spacing([0.9]))
    #expect {
      _ = try FileResampler.resample(
        input: input, output: folder.file(name), request: request, streaming: .always(slabBytes: 4096))
    } throws: { error in
      "\(error)" == "\(input): corrupt compressed data (incorrect data check)"
        || "\(error)".hasPrefix("\(input): corrupt compressed data (incorrect data check)")
    }
    #expect(folder.contents == ["in.nii.gz"], "\(folder.contents)")
  }

  /// Memory of a streamed case: the layout counts a window and a slab, not the volumes.
  @Test func layoutCountsAWindowAndASlab() throws {
    let folder = TemporaryFolder("layout")
    let input = folder.file("in.nii.gz")
    try ImageFile.write(
      SyntheticVolume.make(size: [64, 64, 120], spacing: [0.25, 0.25, 0.25], pixelType: .i16), to: input)
    let header = try ImageFile.readHeader(at: input)
    let request = ResampleRequest(target: .spacing([0.5]))
    let plan = try GridPlanner.plan(header, request)
    let layout = FileResampler.layout(
      inputPath: input, header: header, output: folder.file("o.nii.gz"),
      plan: plan, request: request, streaming: .always(slabBytes: 64 * 64 * 2 * 10))
    #expect(layout.streamsInput && layout.streamsOutput)
    #expect(layout.windowPlanes <= 10 && layout.windowPlanes >= 2)
    #expect(layout.slabs.first?.lowerBound == 0 && layout.slabs.last?.upperBound == plan.geometry.size[2])
    #expect(zip(layout.slabs, layout.slabs.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    #expect(layout.memoryBytes - (1 << 20) < header.pixelByteCount! / 4)  // 1 MiB: the reader's buffer
    let whole = FileResampler.layout(
      inputPath: input, header: header, orientation: "RAS", output: folder.file("o.nii.gz"),
      plan: plan, request: request, streaming: .always(slabBytes: 4096))
    #expect(!whole.streamsInput && whole.notes.contains("input read whole: reorientation needs the whole volume"))
  }

  @Test func bsplineAndOtherFormatsAreWrittenWhole() throws {
    let header = ImageHeader(
      format: "NIfTI", geometry: Geometry(size: [4, 4, 4], spacing: [1, 1, 1]), pixelType: .i16, components: 1)
    let linear = ResampleRequest(target: .spacing([0.5]))
    var bspline = linear
    bspline.interpolation = .bspline
    let plan = try GridPlanner.plan(header, linear)
    func layout(_ output: String, _ request: ResampleRequest, _ streaming: FileResampler.Streaming) -> StreamingLayout {
      FileResampler.layout(
        inputPath: "/nonexistent.nii.gz", header: header, output: output, plan: plan,
        request: request, streaming: streaming)
    }
    #expect(layout("x.nii.gz", linear, .always(slabBytes: 1)).outputSlabBytes == 8 * 8 * 2)
    #expect(!layout("x.nii.gz", bspline, .always(slabBytes: 1)).streamsOutput)
    #expect(!layout("x.nrrd", linear, .always(slabBytes: 1)).streamsOutput)
    #expect(!layout("x.nii.gz", linear, .automatic).streamsOutput)  // small: whole
    // no such file: read whole (and fail there)
    #expect(!layout("x.nii.gz", linear, .always(slabBytes: 1)).streamsInput)
  }
}
