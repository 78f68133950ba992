import Foundation
import HarmonizeCheck
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Every check with a case that triggers it and one that passes.
@Suite("harmonize check")
struct CheckerTests {
  @Test func cleanCasePasses() throws {
    let f = try CheckFixture()
    try f.writeCase("good")
    let report = try f.check()
    #expect(report.cases.map(\.id) == ["good"])
    #expect(report.findings("good").isEmpty, "\(report.findings("good"))")
    #expect(report.errorCount == 0 && report.warningCount == 0)
    let memory = try #require(report.cases[0].memory)
    #expect(memory.size == [24, 20, 10])
    // the non-zero box of DatasetFixture.image: indices 4...19, 4...15, 2...7
    #expect(memory.croppedSize == [16, 12, 6])
    #expect(memory.estimate.input.channels == 2 && memory.estimate.input.segmentationHeads == 3)
    #expect(report.memoryAdvice?.defaultsFit == true)
  }

  /// The IndexError case: one more channel file than channel_names.
  @Test func extraChannelIsAnErrorNamingTheIndexError() throws {
    let f = try CheckFixture()
    try f.writeCase("extra", channels: [0, 1, 2])
    try f.writeCase("good")
    let report = try f.check()
    let finding = try #require(report.findings("extra").first { $0.check == "channels" })
    #expect(finding.severity == .error)
    #expect(finding.message.contains("IndexError: list index out of range"))
    #expect(finding.message.contains("Background workers died"))
    #expect(finding.measured == "_0000, _0001, _0002")
    #expect(finding.fix?.contains("extra_0002.nii.gz") == true)
    #expect(report.findings("good").isEmpty)
    #expect(report.errorCount == 1)
  }

  @Test func missingOrGappedChannelsAreErrors() throws {
    let f = try CheckFixture()
    try f.writeCase("missing", channels: [0])
    try f.writeCase("gap", channels: [0, 2])
    let report = try f.check()
    #expect(
      report.findings("missing").first { $0.check == "channels" }?.message.contains("to have 2 channels, but got 1")
        == true)
    #expect(report.findings("gap").first { $0.check == "channels" }?.message.contains("wrong order") == true)
  }

  @Test func fileEndingOtherThanTheDatasetsIsAnError() throws {
    let f = try CheckFixture()
    try f.writeCase("plain", ending: ".nii")
    let finding = try #require(try f.check().findings("plain").first { $0.check == "file-ending" })
    #expect(finding.severity == .error)
    #expect(finding.expected == ".nii.gz")
    #expect(finding.fix?.contains("plain_0000.nii.gz") == true)
  }

  /// `dup_0000.nii` beside `dup_0000.nii.gz`: nnU-Net lists the `.nii.gz`, and SimpleITK then reads the `.nii`'s
  /// pixels (ITK's NIfTI library probes the uncompressed name first). The file-ending finding alone said nnU-Net would
  /// skip the `.nii`, which is the opposite of what happens.
  @Test func aNiftiBesideItsUncompressedNeighbourIsAnError() throws {
    let f = try CheckFixture()
    try f.writeCase("dup")
    try f.writeCase("dup", channels: [0], ending: ".nii")
    try f.writeCase("good")
    let report = try f.check()
    let finding = try #require(report.findings("dup").first { $0.check == "duplicate-channel" })
    #expect(finding.severity == .error)
    #expect(finding.measured == "dup_0000.nii, dup_0000.nii.gz")
    #expect(finding.message.contains("SimpleITK, its reader, then reads dup_0000.nii's pixels"))
    #expect(finding.fix?.contains("mv \(f.inputs.path)/dup_0000.nii ") == true, "\(finding.fix ?? "")")
    #expect(report.findings("good").isEmpty)
  }

  @Test func channelsOfOneCaseMustShareTheirGrid() throws {
    let f = try CheckFixture()
    try f.writeCase("sizes", channels: [0])
    try f.writeCase("sizes", channels: [1], size: [24, 20, 11])
    try f.writeCase("shifted", channels: [0])
    try f.writeCase("shifted", channels: [1], origin: [5, 0, 0])
    let report = try f.check()
    #expect(report.findings("sizes").first { $0.check == "channel-geometry" }?.severity == .error)
    #expect(report.findings("shifted").first { $0.check == "channel-geometry" }?.severity == .warning)
  }

  /// A 4x finer scan: a warning that states the size nnU-Net works on and the export memory.
  @Test func fourTimesFinerSpacingWarnsWithSizeAndMemory() throws {
    let f = try CheckFixture()
    try f.writeCase("fine", size: [96, 80, 40], spacing: [0.21, 0.21, 0.625])
    let report = try f.check()
    let finding = try #require(report.findings("fine").first { $0.check == "spacing" })
    #expect(finding.severity == .warning)
    #expect(finding.message.contains("4x finer"))
    let memory = try #require(report.cases[0].memory)
    // Non-zero box 58 x 48 x 24 at (0.21, 0.21, 0.625) → target (0.84, 0.84, 2.5): round(58/4), round(48/4), round(24/4).
    #expect(memory.croppedSize == [58, 48, 24])
    #expect(memory.predictedSize == [14, 12, 6])
    #expect(finding.message.contains("(14, 12, 6)") && finding.message.contains("(58, 48, 24)"))
    #expect(finding.message.contains("export worker ≈"))
    #expect(
      finding.fix?.contains("harmonize resample") == true && finding.fix?.contains("--spacing 0.84,0.84,2.5") == true)
  }

  @Test func permutedAxesAreAnErrorAndFlipsANote() throws {
    let f = try CheckFixture()
    // Voxel axes along (P, I, L): a sagittal-style storage order, axis order yzx.
    try f.writeCase(
      "sagittal", size: [20, 10, 24], spacing: [0.84, 2.5, 0.84], direction: [0, 0, 1, 1, 0, 0, 0, 1, 0])
    try f.writeCase("flipped", direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1])
    let report = try f.check()
    let permuted = try #require(report.findings("sagittal").first { $0.check == "orientation" })
    #expect(permuted.severity == .error)
    #expect(permuted.fix?.contains("harmonize reorient") == true && permuted.fix?.contains("--to LPS") == true)
    let flipped = try #require(report.findings("flipped").first { $0.check == "orientation" })
    #expect(flipped.severity == .note)
    #expect(flipped.measured == "RPS")
  }

  @Test func twoDimensionalInputAgainstThreeDimensionalTraining() throws {
    let f = try CheckFixture()
    try f.writeCase("flat", size: [24, 20], spacing: [0.84, 0.84])
    #expect(try f.check().findings("flat").contains { $0.check == "dimension" && $0.severity == .error })
  }

  @Test func sizeOutsideTheTrainingRangeIsANote() throws {
    let f = try CheckFixture()
    try f.writeCase("big", size: [48, 20, 10])
    let finding = try #require(try f.check().findings("big").first { $0.check == "size" })
    #expect(finding.severity == .note)
    #expect(finding.measured == "(48, 20, 10)" && finding.expected == "(24–24, 20–20, 10–10)")
  }

  @Test func pixelTypeChangeWarns() throws {
    let f = try CheckFixture()
    try f.writeCase("float", pixelType: .f32)
    let finding = try #require(try f.check().findings("float").first { $0.check == "pixel-type" })
    #expect(finding.severity == .warning)
    #expect(finding.measured == "f32" && finding.expected == "i16")
  }

  @Test func nanAndInfinityAreErrors() throws {
    let f = try CheckFixture()
    try f.writeCase("nan", pixelType: .f32) { c, v in
      if c == 0 {
        v.withUnsafeMutableBufferPointer(as: Float.self) {
          $0[5] = .nan
          $0[6] = .infinity
        }
      }
    }
    try f.writeCase("nrrdnan", pixelType: .f32, ending: ".nrrd") { c, v in
      if c == 0 { v.withUnsafeMutableBufferPointer(as: Float.self) { $0[5] = .nan } }
    }
    let report = try f.check()
    let finding = try #require(report.findings("nan").first { $0.check == "non-finite" })
    #expect(finding.severity == .error)
    #expect(finding.measured == "1 NaN, 1 Inf")
    // What nnU-Net does depends on the reader and the format (measured with nnunetv2 2.8.1): ITK's NIfTI reader turns
    // NaN into 0, NRRD keeps it and the normalization makes the whole case NaN.
    #expect(finding.message.contains("reads NaN as 0"), "\(finding.message)")
    let nrrd = try #require(report.findings("nrrdnan").first { $0.check == "non-finite" })
    #expect(
      nrrd.message.contains("keeps them") && nrrd.message.contains("every voxel of the case NaN"), "\(nrrd.message)")
  }

  @Test func intensitiesOutsideTheTrainingRangeWarn() throws {
    let f = try CheckFixture()
    try f.writeCase("offset") { c, v in
      if c == 0 { DatasetFixture.set(&v, (0..<v.voxelCount).map { v.value(at: $0) + 5000 }) }
    }
    try f.writeCase("scaled") { c, v in
      if c == 1 { DatasetFixture.set(&v, (0..<v.voxelCount).map { v.value(at: $0) * 30 }) }
    }
    // Against a harmonize fingerprint with per-case profiles: the score, and the cause named.
    let report = try f.check()
    let offset = try #require(report.findings("offset").first { $0.check == "intensity-shift" })
    #expect(offset.cause == "offset" && offset.message.contains("+5000") && (offset.score ?? 0) >= 4, "\(offset)")
    let scaled = try #require(report.findings("scaled").first { $0.check == "intensity-shift" })
    #expect(scaled.cause == "scale" && scaled.message.contains("about 30 x"), "\(scaled)")
    #expect(report.findings("offset").allSatisfy { $0.check != "intensity" }, "one intensity finding per channel")
    // Without profiles (an nnU-Net model's fingerprint, an older harmonize one): the coarse range checks.
    var coarse = f.reference
    coarse.fingerprint.cases = coarse.fingerprint.cases.map { record in
      var stripped = record
      stripped.intensity = nil
      return stripped
    }
    let old = try f.check(reference: coarse)
    #expect(old.findings("offset").contains { $0.check == "intensity" && $0.message.contains("does not overlap") })
    #expect(old.findings("scaled").contains { $0.check == "intensity" && $0.message.contains("spread") })
  }

  /// CT in HU in training (values down to -1024), the new scan without the intercept.
  @Test func ctWithoutItsOffsetWarns() throws {
    let f = try CheckFixture()
    var reference = f.reference
    // The coarse check (no per-case profiles, as in an nnU-Net model's fingerprint).
    reference.fingerprint.cases = reference.fingerprint.cases.map { record in
      var stripped = record
      stripped.intensity = nil
      return stripped
    }
    reference.fingerprint.intensity[0].image = IntensityStatistics(
      min: -1024, max: 1800, mean: -400, std: 500, median: -700,
      percentile_00_5: -1024, percentile_99_5: 1200)
    try f.writeCase("raw")
    let finding = try #require(try f.check(reference: reference).findings("raw").first { $0.message.contains("-1024") })
    #expect(finding.severity == .warning && finding.check == "intensity")
  }

  @Test func labelsAreCheckedForValuesIntegersAndGrid() throws {
    let f = try CheckFixture()
    let labels = TemporaryFolder("check-labels")
    for id in ["good", "stray", "fractional", "misfit"] { try f.writeCase(id) }
    try ImageFile.write(
      DatasetFixture.label(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5]), to: labels.file("good.nii.gz"))
    var stray = DatasetFixture.label(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5])
    stray.withUnsafeMutableBufferPointer(as: UInt8.self) { $0[0] = 5 }
    try ImageFile.write(stray, to: labels.file("stray.nii.gz"))
    var fractional = DatasetFixture.label(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5], pixelType: .f32)
    fractional.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = 0.9999 }
    try ImageFile.write(fractional, to: labels.file("fractional.nii.gz"))
    try ImageFile.write(
      DatasetFixture.label(size: [24, 20, 9], spacing: [0.84, 0.84, 2.5]), to: labels.file("misfit.nii.gz"))
    let report = try f.check(labels: labels.path)
    #expect(report.findings("good").isEmpty, "\(report.findings("good"))")
    let strayFinding = try #require(report.findings("stray").first { $0.check == "labels" })
    #expect(strayFinding.severity == .error && strayFinding.measured == "(0, 1, 2, 5)")
    #expect(report.findings("fractional").contains { $0.check == "labels" && $0.message.contains("0.9999") })
    #expect(report.findings("misfit").contains { $0.check == "label-geometry" && $0.severity == .error })
  }

  @Test func memoryThatDoesNotFitIsAnErrorAndTightMemoryAWarning() throws {
    let f = try CheckFixture()
    try f.writeCase("case")
    let none = try f.check(memory: 256 * 1024 * 1024)
    #expect(none.findings("case").contains { $0.check == "memory" && $0.severity == .error })
    #expect(none.memoryAdvice?.preprocessWorkers == nil)
    // Three workers of each kind need 7 process bases (0.4 GiB each) = 2.8 GiB; 80% of 3 GiB leaves room for fewer.
    let tight = try f.check(memory: 3 * CheckFixture.gib)
    let warning = try #require(tight.findings("case").first { $0.check == "memory" })
    #expect(warning.severity == .warning)
    #expect(warning.fix?.contains("-npp") == true)
  }

  @Test func unreadableInputIsReportedAndTheOthersStillChecked() throws {
    let f = try CheckFixture()
    try f.writeCase("good")
    try Data("not an image".utf8).write(to: URL(fileURLWithPath: f.inputs.file("broken_0000.nii.gz")))
    try ImageFile.write(
      DatasetFixture.image(size: [24, 20, 10], spacing: [0.84, 0.84, 2.5]), to: f.inputs.file("broken_0001.nii.gz"))
    let report = try f.check()
    #expect(report.unreadable.count == 1 && report.unreadable[0].hasPrefix(f.inputs.file("broken_0000.nii.gz") + ": "))
    #expect(report.findings("broken").contains { $0.check == "read" && $0.severity == .error })
    #expect(report.findings("good").isEmpty)
  }

  /// A plain folder of images as reference: no nnU-Net naming rules, the geometry checks still apply.
  @Test func plainFolderReferenceSkipsNNUNetNaming() throws {
    let training = TemporaryFolder("plain-training")
    for k in 0..<3 {
      try ImageFile.write(
        DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5]), to: training.file("scan\(k).nii"))
    }
    let reference = try CheckReference.load(training.path, tool: "test")
    #expect(reference.fingerprint.kind == "folder" && !reference.isNNUNet)
    let inputs = TemporaryFolder("plain-inputs")
    try ImageFile.write(
      DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5]), to: inputs.file("new.nii.gz"))
    try ImageFile.write(
      DatasetFixture.image(size: [24, 20, 10], spacing: [0.8, 0.8, 2.5], direction: [0, 0, 1, 1, 0, 0, 0, 1, 0]),
      to: inputs.file("sideways.nii.gz"))
    let report = try Checker.check([inputs.path], against: reference, options: CheckOptions(memory: 1e11))
    #expect(report.findings("new").isEmpty, "\(report.findings("new"))")
    #expect(report.findings("sideways").contains { $0.check == "orientation" && $0.severity == .error })
  }
}
