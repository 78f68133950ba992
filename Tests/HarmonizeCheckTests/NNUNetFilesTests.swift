import Foundation
import HarmonizeCheck
import Testing
import _HarmonizeTestSupport

/// Reading nnU-Net's own JSON files, written as nnU-Net writes them.
@Suite("nnU-Net files")
struct NNUNetFilesTests {
  @Test func datasetJSONHeadsAndLabels() throws {
    let folder = TemporaryFolder("dataset-json")
    let plain = folder.file("plain.json")
    try DatasetFixture.datasetJSON(
      channels: ["CT"], labels: [("background", "0"), ("liver", "1"), ("tumor", "2")], numTraining: 4
    )
    .write(toFile: plain, atomically: true, encoding: .utf8)
    let d = try DatasetJSON.load(plain)
    #expect(d.channelNames == ["CT"])
    #expect(d.segmentationHeads == 3)
    #expect(d.allowedLabelValues == [0, 1, 2])
    #expect(d.numTraining == 4)

    let regions = folder.file("regions.json")
    try """
    {"channel_names": {"0": "T1", "1": "T1ce", "2": "T2", "3": "FLAIR"},
     "labels": {"background": 0, "whole_tumor": [1, 2, 3], "tumor_core": [2, 3], "enhancing_tumor": 3},
     "regions_class_order": [1, 2, 3], "numTraining": 1251, "file_ending": ".nii.gz"}
    """.write(toFile: regions, atomically: true, encoding: .utf8)
    let r = try DatasetJSON.load(regions)
    #expect(r.isRegionBased)
    #expect(r.segmentationHeads == 3)  // three foreground regions, sigmoid
    #expect(r.labels.map(\.name) == ["background", "whole_tumor", "tumor_core", "enhancing_tumor"])  // file order kept
    #expect(r.channelNames == ["T1", "T1ce", "T2", "FLAIR"])

    let ignore = folder.file("ignore.json")
    try DatasetFixture.datasetJSON(
      channels: ["CT"], labels: [("background", "0"), ("a", "1"), ("b", "2"), ("ignore", "3")], numTraining: 1
    )
    .write(toFile: ignore, atomically: true, encoding: .utf8)
    let i = try DatasetJSON.load(ignore)
    #expect(i.ignoreLabel == 3)
    #expect(i.segmentationHeads == 3)
    #expect(i.allowedLabelValues == [0, 1, 2, 3])
  }

  @Test func malformedAndIncompleteDatasetJSON() throws {
    let folder = TemporaryFolder("dataset-json-bad")
    let broken = folder.file("broken.json")
    try "{\"channel_names\": {\"0\": \"CT\"}, ".write(toFile: broken, atomically: true, encoding: .utf8)
    #expect(throws: CheckReferenceError.self) { try DatasetJSON.load(broken) }
    do { _ = try DatasetJSON.load(broken) } catch { #expect(error.description.hasPrefix("\(broken): malformed JSON")) }
    let noBackground = folder.file("nobg.json")
    try DatasetFixture.datasetJSON(channels: ["CT"], labels: [("liver", "1")], numTraining: 1)
      .write(toFile: noBackground, atomically: true, encoding: .utf8)
    do {
      _ = try DatasetJSON.load(noBackground)
      Issue.record("accepted a dataset.json without background")
    } catch {
      #expect(error.reason.contains("background"))
    }
  }

  /// `spacing` in plans is transposed numpy order; transpose_forward puts the lowest-resolution axis first.
  @Test func planSpacingBackToITKOrder() throws {
    let folder = TemporaryFolder("plans")
    let path = folder.file("plans.json")
    // Sagittal-stored data: numpy axis 2 (ITK i) is the 4 mm axis, so transpose_forward = [2, 0, 1].
    try """
    {"dataset_name": "Dataset002_Heart", "plans_name": "nnUNetPlans", "transpose_forward": [2, 0, 1],
     "transpose_backward": [1, 2, 0], "image_reader_writer": "SimpleITKIO",
     "configurations": {
       "2d": {"spacing": [0.6, 0.7], "patch_size": [320, 256], "normalization_schemes": ["ZScoreNormalization"]},
       "3d_fullres": {"spacing": [4.0, 0.6, 0.7], "patch_size": [40, 192, 160],
                      "normalization_schemes": ["ZScoreNormalization"], "resampling_fn_data": "resample_data_or_seg_to_shape"},
       "3d_cascade_fullres": {"inherits_from": "3d_fullres", "previous_stage": "3d_lowres"}},
     "foreground_intensity_properties_per_channel": {"0": {"max": 2000.0, "mean": 500.0, "median": 480.0, "min": 0.0,
       "percentile_00_5": 20.0, "percentile_99_5": 1500.0, "std": 200.0}}}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let plans = try NNUNetPlans.load(path)
    let full = try #require(plans.configurations["3d_fullres"])
    // transposed [4.0, 0.6, 0.7] = numpy[[2, 0, 1]] → numpy (0.6, 0.7, 4.0) → ITK (4.0, 0.7, 0.6).
    #expect(plans.spacingITK(of: full, ownSpacing: [3.5, 0.65, 0.65]) == [4.0, 0.7, 0.6])
    let cascade = try #require(plans.configurations["3d_cascade_fullres"])
    #expect(cascade.spacing == [4.0, 0.6, 0.7])
    // 2D: in-plane (transposed axes 1, 2) only; the slice axis keeps the case's own spacing.
    let twoD = try #require(plans.configurations["2d"])
    #expect(plans.spacingITK(of: twoD, ownSpacing: [3.5, 0.65, 0.66]) == [3.5, 0.7, 0.6])
    #expect(plans.foregroundIntensity[0]?.percentile_99_5 == 1500)
    #expect(!plans.readerReorients)
  }

  /// nnU-Net's fullres target spacing: median, except a 10th percentile on an axis that is > 3x coarser and has
  /// < 1/3 of the voxels. Hand-computed: numpy-order spacings (z, y, x).
  @Test func targetSpacingRuleByHand() {
    // Isotropic-ish: medians.
    let iso = TargetSpacingRule.targetSpacing(
      spacings: [[0.7, 0.7, 1.0], [0.8, 0.8, 1.5], [0.9, 0.9, 1.25]],
      sizes: [[512, 512, 300], [512, 512, 200], [512, 512, 250]])
    #expect(iso == [0.8, 0.8, 1.25])
    // Anisotropic: z medians 5.0 > 3 × 0.8 and 20 × 3 < 512 → 10th percentile of z (ITK axis 2) =
    // numpy percentile of [3, 5, 5, 6, 8] at 10% = 3 + 0.4·(5-3) = 3.8.
    let z = [3.0, 5, 5, 6, 8]
    let aniso = TargetSpacingRule.targetSpacing(
      spacings: z.map { [0.8, 0.8, $0] },
      sizes: z.map { _ in [512, 512, 20] })
    #expect(aniso.map { $0.map { ($0 * 1e9).rounded() / 1e9 } } == [0.8, 0.8, 3.8])
    // Coarse spacing but many slices: no anisotropic-voxels condition, median stays.
    let thick = TargetSpacingRule.targetSpacing(
      spacings: z.map { [0.8, 0.8, $0] }, sizes: z.map { _ in [512, 512, 400] })
    #expect(thick == [0.8, 0.8, 5])
  }

  @Test func percentilesMatchNumpyLinear() {
    // numpy.percentile([1, 2, 3, 4], [0.5, 10, 50, 99.5]) = [1.015, 1.3, 2.5, 3.985]
    let s = [1.0, 2, 3, 4]
    #expect(abs(Statistics.percentile(sorted: s, 0.5) - 1.015) < 1e-12)
    #expect(abs(Statistics.percentile(sorted: s, 10) - 1.3) < 1e-12)
    #expect(Statistics.percentile(sorted: s, 50) == 2.5)
    #expect(abs(Statistics.percentile(sorted: s, 99.5) - 3.985) < 1e-12)
  }
}
