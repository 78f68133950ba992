import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

@testable import HarmonizeCLI

@Suite("harmonize resample")
struct ResampleCommandTests {
  private func inputFile(_ folder: TemporaryFolder) throws -> String {
    let path = folder.file("in.nii.gz")
    try ImageFile.write(SyntheticVolume.make(size: [10, 8, 6], spacing: [0.7, 0.7, 2.5], pixelType: .i16), to: path)
    return path
  }

  @Test func parsesEveryOption() throws {
    let command = try HarmonizeCommand.parseAsRoot([
      "resample", "a.nii.gz", "b.nii.gz", "--spacing", "0.7,0.7,1.5", "--interpolation", "label", "--grid", "nnunet",
      "--max-size", "512,512,256", "--max-voxels", "1000000", "--default-value", "-1024", "--output-type", "f32",
      "--threads", "2",
    ])
    let resample = try #require(command as? HarmonizeCommand.Resample)
    #expect(resample.spacing?.values == [0.7, 0.7, 1.5])
    #expect(resample.interpolation == .label)
    #expect(resample.grid.preset == .nnunet)
    #expect(resample.maxSize?.values == [512, 512, 256])
    #expect(resample.outputType == .f32)
    #expect(resample.defaultValue == -1024)
  }

  /// `--verbose` says on stderr how each side was held and why it did not stream; without it, nothing of the sort.
  @Test func verboseSaysWhyNothingStreamed() throws {
    let folder = TemporaryFolder("cli-resample-verbose")
    let input = try inputFile(folder)
    let verbose = try run(
      TestEnvironment.harmonizeBinary, ["resample", input, folder.file("out.nii.gz"), "--spacing", "0.5", "--verbose"])
    #expect(verbose.status == 0, "\(verbose.stderr)")
    #expect(
      verbose.stderr.contains("\(input): input read whole: 960 B is within the 256 MiB streaming threshold"),
      "\(verbose.stderr)")
    #expect(verbose.stderr.contains("\(input): output written whole:"), "\(verbose.stderr)")
    let nrrd = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", input, folder.file("out.nrrd"), "--spacing", "0.5", "--orient", "RAS", "--verbose"])
    #expect(nrrd.status == 0, "\(nrrd.stderr)")
    #expect(
      nrrd.stderr.contains("output written whole: slabs need a single-component .nii.gz output"), "\(nrrd.stderr)")
    let quiet = try run(
      TestEnvironment.harmonizeBinary, ["resample", input, folder.file("out2.nii.gz"), "--spacing", "0.5"])
    #expect(quiet.status == 0 && !quiet.stderr.contains("read whole"), "\(quiet.stderr)")
  }

  @Test func resamplesAndReportsTheGrid() throws {
    let folder = TemporaryFolder("cli-resample-ok")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", try inputFile(folder), folder.file("out.nrrd"), "--spacing", "0.5", "--max-size", "12"])
    #expect(result.status == 0, "\(result.stderr)")
    // Extent 7 x 5.6 x 15 mm: at 0.5 mm z would need 30 voxels; 15 mm / 12 = 1.25 mm isotropic fits every axis.
    #expect(result.stdout.hasPrefix(folder.file("out.nrrd") + ": 6 x 4 x 12 at 1.25 x 1.25 x 1.25 mm"))
    #expect(result.stderr.contains("warning: \(folder.file("in.nii.gz")): size cap: spacing coarsened"))
    let header = try ImageFile.readHeader(at: folder.file("out.nrrd"))
    #expect(header.geometry.size.max()! <= 12)
    #expect(Set(header.geometry.spacing).count == 1)
  }

  @Test func sitkGridWarnsAboutTheEmptyLastPlane() throws {
    let folder = TemporaryFolder("cli-resample-sitk")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", try inputFile(folder), folder.file("out.mha"), "--spacing", "0.5", "--sitk-compatible"])
    #expect(result.status == 0)
    // 2.5 mm to 0.5 mm: planes 28 and 29
    #expect(result.stderr.contains("the last 2 planes along axis 2 fall outside the input"))
  }

  /// Bad input: one line, non-zero exit, no output file.
  @Test(arguments: [
    (["--spacing", "0"], "spacing must be finite and > 0, not (0)"),
    (["--spacing", "-0.5"], "spacing must be finite and > 0, not (-0.5)"),
    (["--spacing", "nan"], "spacing must be finite and > 0, not (nan)"),
    (["--spacing", "1", "--max-size", "0"], "max size must be 1 to 3 whole numbers ≥ 1, not (0)"),
    (
      ["--spacing", "1", "--interpolation", "cubic"],
      "The value 'cubic' is invalid for '--interpolation <interpolation>'"
    ),
    (["--spacing", "1", "--like", "x.nii"], "Give exactly one of --spacing and --like."),
    ([String](), "Give exactly one of --spacing and --like."),
  ])
  func badArgumentsExitTwoWithOneLine(_ arguments: [String], _ message: String) throws {
    let folder = TemporaryFolder("cli-resample-bad")
    let out = folder.file("out.nii.gz")
    let result = try run(TestEnvironment.harmonizeBinary, ["resample", try inputFile(folder), out] + arguments)
    #expect(result.status == 2)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  /// A spacing that would need terabytes is refused from the header alone, before the input is read.
  @Test func outputThatCannotFitIsRefusedBeforeReading() throws {
    let folder = TemporaryFolder("cli-resample-huge")
    let out = folder.file("out.nii.gz")
    let result = try run(
      TestEnvironment.harmonizeBinary, ["resample", try inputFile(folder), out, "--spacing", "0.0005"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("the output grid 14000 x 11200 x 30000 needs"))
    #expect(result.stderr.contains("use --max-size or --max-voxels"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func unreadableReferenceExitsTwo() throws {
    let folder = TemporaryFolder("cli-resample-ref")
    let reference = folder.file("ref.nii.gz")
    try Data("not an image".utf8).write(to: URL(fileURLWithPath: reference))
    let out = folder.file("out.nii.gz")
    let result = try run(
      TestEnvironment.harmonizeBinary, ["resample", try inputFile(folder), out, "--like", reference])
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("error: \(reference): "))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func outputInAMissingFolderExitsTwoAndWritesNothing() throws {
    let folder = TemporaryFolder("cli-resample-missing")
    let out = folder.file("no/such/folder/out.nii.gz")
    let result = try run(TestEnvironment.harmonizeBinary, ["resample", try inputFile(folder), out, "--spacing", "1"])
    #expect(result.status == 2)
    #expect(result.stderr == "error: \(out): cannot write: folder '\(folder.file("no/such/folder"))' does not exist\n")
    #expect(folder.contents == ["in.nii.gz"])
  }

  @Test func missingInputExitsTwo() throws {
    let folder = TemporaryFolder("cli-resample-noinput")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", folder.file("none.nii.gz"), folder.file("out.nii.gz"), "--spacing", "1"])
    #expect(result.status == 2)
    #expect(result.stderr == "error: \(folder.file("none.nii.gz")): no such file\n")
    #expect(folder.contents.isEmpty)
  }

  @Test func orientReorientsBeforeResampling() throws {
    let folder = TemporaryFolder("cli-resample-orient")
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", try inputFile(folder), folder.file("out.nii.gz"), "--spacing", "0.5", "--orient", "SAR"])
    #expect(result.status == 0, "\(result.stderr)")
    let header = try ImageFile.readHeader(at: folder.file("out.nii.gz"))
    #expect(header.axisCodes == "SAR")
    #expect(header.geometry.size == [30, 11, 14])  // z (15 mm), y (5.6 mm), x (7 mm) at 0.5 mm
    let bad = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", try inputFile(folder), folder.file("x.nii.gz"), "--spacing", "1", "--orient", "XYZ"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("orientation must be three letters"))
  }

  @Test func compressionLevelsTradeSizeForSpeed() throws {
    let folder = TemporaryFolder("cli-resample-compression")
    let input = try inputFile(folder)
    var sizes: [String: Int] = [:]
    for level in ["fast", "best", "6"] {
      let out = folder.file("out-\(level).nii.gz")
      let result = try run(
        TestEnvironment.harmonizeBinary, ["resample", input, out, "--spacing", "0.25", "--compression", level])
      #expect(result.status == 0, "\(result.stderr)")
      sizes[level] = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int
    }
    #expect(sizes["best"]! < sizes["fast"]!)
    let bad = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", input, folder.file("x.nii.gz"), "--spacing", "1", "--compression", "13"])
    #expect(bad.status == 2)
  }

  @Test func likeReferenceTakesItsGrid() throws {
    let folder = TemporaryFolder("cli-resample-like")
    let reference = folder.file("ref.mha")
    let grid = Geometry(size: [7, 6, 5], spacing: [1, 1, 1], origin: [1, 1, 1])
    try ImageFile.write(try Volume(geometry: grid, pixelType: .u8), to: reference)
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", try inputFile(folder), folder.file("out.mha"), "--like", reference, "--interpolation", "nearest"])
    #expect(result.status == 0, "\(result.stderr)")
    let header = try ImageFile.readHeader(at: folder.file("out.mha"))
    #expect(header.geometry == grid)
    #expect(header.pixelType == .i16)
  }
}
