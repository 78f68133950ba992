import Foundation
import HarmonizeCheck
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// References: an nnU-Net model folder, a fingerprint file, and the ways they can be broken.
@Suite("check references")
struct ReferenceTests {
  /// A trained-model folder as nnU-Net leaves it: dataset.json, plans.json, dataset_fingerprint.json, fold_0..4.
  /// CT, 33 classes, numpy-order spacings with the 3 mm axis first.
  static func writeModel(_ folder: TemporaryFolder, plansName: String = "plans.json") throws {
    let labels = [("background", "0")] + (1...32).map { ("organ_\($0)", "\($0)") }
    try DatasetFixture.datasetJSON(channels: ["CT"], labels: labels, numTraining: 4)
      .write(toFile: folder.file("dataset.json"), atomically: true, encoding: .utf8)
    try """
    {
        "dataset_name": "Dataset099_Organs",
        "plans_name": "nnUNetPlans",
        "original_median_spacing_after_transp": [3.0, 0.8, 0.8],
        "original_median_shape_after_transp": [100, 512, 512],
        "image_reader_writer": "SimpleITKIO",
        "transpose_forward": [0, 1, 2],
        "transpose_backward": [0, 1, 2],
        "configurations": {
            "3d_fullres": {
                "data_identifier": "nnUNetPlans_3d_fullres",
                "preprocessor_name": "DefaultPreprocessor",
                "batch_size": 2,
                "patch_size": [64, 192, 160],
                "median_image_size_in_voxels": [100.0, 512.0, 512.0],
                "spacing": [3.0, 0.8, 0.8],
                "normalization_schemes": ["CTNormalization"],
                "use_mask_for_norm": [false],
                "resampling_fn_data": "resample_data_or_seg_to_shape",
                "resampling_fn_data_kwargs": {"is_seg": false, "order": 3, "order_z": 0, "force_separate_z": null}
            },
            "3d_lowres": {"inherits_from": "3d_fullres", "spacing": [4.5, 1.2, 1.2], "next_stage": "3d_cascade_fullres"}
        },
        "experiment_planner_used": "ExperimentPlanner",
        "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": {
            "0": {"max": 3071.0, "mean": 99.4, "median": 103.0, "min": -1024.0, "percentile_00_5": -958.0,
                  "percentile_99_5": 276.0, "std": 137.8}
        }
    }
    """.write(toFile: folder.file(plansName), atomically: true, encoding: .utf8)
    try """
    {
        "foreground_intensity_properties_per_channel": {
            "0": {"max": 3071.0, "mean": 99.4, "median": 103.0, "min": -1024.0, "percentile_00_5": -958.0,
                  "percentile_99_5": 276.0, "std": 137.8}
        },
        "median_relative_size_after_cropping": 1.0,
        "shapes_after_crop": [[90, 512, 512], [100, 512, 512], [110, 480, 480], [100, 512, 512]],
        "spacings": [[2.5, 0.7, 0.7], [3.0, 0.8, 0.8], [3.0, 0.9, 0.9], [5.0, 0.8, 0.8]]
    }
    """.write(toFile: folder.file("dataset_fingerprint.json"), atomically: true, encoding: .utf8)
    for k in 0..<5 {
      try FileManager.default.createDirectory(atPath: folder.file("fold_\(k)"), withIntermediateDirectories: true)
    }
  }

  @Test func modelFolderUsesThePlanSpacingAndThirtyThreeHeads() throws {
    let model = TemporaryFolder("model")
    try Self.writeModel(model)
    let reference = try CheckReference.load(model.path, tool: "test")
    #expect(reference.fingerprint.kind == "nnunet-model")
    #expect(reference.segmentationHeads == 33)
    #expect(reference.folds == 5)
    // numpy (z, y, x) spacings reversed into ITK order.
    #expect(reference.fingerprint.spacing.map(\.min) == [0.7, 0.7, 2.5])
    let inputs = TemporaryFolder("model-inputs")
    // A CT in HU, 1.6 x 1.6 x 3 mm: nnU-Net upsamples x and y by 2 to the 0.8 mm plan spacing.
    var ct = DatasetFixture.image(size: [64, 64, 20], spacing: [1.6, 1.6, 3.0], base: -200, background: -1024)
    ct.withUnsafeMutableBufferPointer(as: Int16.self) { $0[0] = 1500 }
    try ImageFile.write(ct, to: inputs.file("ct_001_0000.nii.gz"))
    let report = try Checker.check([inputs.path], against: reference, options: CheckOptions(memory: 64 * 1_073_741_824))
    #expect(report.configuration == "3d_fullres")
    #expect(report.targetSpacing == [0.8, 0.8, 3.0])
    #expect(report.referenceNotes.contains { $0.contains("no orientation") })
    let memory = try #require(report.cases.first?.memory)
    #expect(memory.croppedSize == [64, 64, 20])  // -1024 background is non-zero: nnU-Net's crop keeps everything
    #expect(memory.predictedSize == [128, 128, 20])
    #expect(memory.estimate.input.folds == 5 && memory.estimate.input.segmentationHeads == 33)
    let spacing = try #require(report.cases[0].findings.first { $0.check == "spacing" })
    #expect(spacing.message.contains("2x coarser than the 3d_fullres plan spacing"))
    #expect(!report.cases[0].findings.contains { $0.check == "intensity" }, "\(report.cases[0].findings)")
    // The lowres configuration inherits everything but its spacing.
    let lowres = try Checker.check(
      [inputs.path], against: reference,
      options: CheckOptions(configuration: "3d_lowres", memory: 64 * 1_073_741_824))
    #expect(lowres.targetSpacing == [1.2, 1.2, 4.5])
    #expect(throws: CheckReferenceError.self) {
      try Checker.check([inputs.path], against: reference, options: CheckOptions(configuration: "2d", memory: 1e10))
    }
  }

  @Test func modelFolderMissingItsFilesNamesThem() throws {
    let model = TemporaryFolder("model-missing")
    try Self.writeModel(model)
    try FileManager.default.removeItem(atPath: model.file("plans.json"))
    do {
      _ = try CheckReference.load(model.path, tool: "test")
      Issue.record("accepted a model folder without plans")
    } catch {
      #expect(error.description == "\(model.path): nnU-Net model folder is missing plans.json (or nnUNetPlans.json)")
    }
    let preprocessed = TemporaryFolder("preprocessed")
    try Self.writeModel(preprocessed, plansName: "nnUNetPlans.json")
    #expect(try CheckReference.load(preprocessed.path, tool: "test").plans != nil)
  }

  @Test func foldersWithoutReferenceFilesAreRefused() throws {
    let empty = TemporaryFolder("ref-empty")
    do {
      _ = try CheckReference.load(empty.path, tool: "test")
      Issue.record("accepted an empty folder")
    } catch {
      #expect(error.reason.contains("no images"))
    }
    do {
      _ = try CheckReference.load(empty.file("nothing"), tool: "test")
      Issue.record("accepted a missing path")
    } catch {
      #expect(error.reason == "reference not found")
    }
  }

  @Test func fingerprintRoundTripsAndRefusesNewerVersionsAndGarbage() throws {
    let training = TemporaryFolder("fp-training")
    try DatasetFixture.write(at: training.path)
    let result = try Fingerprinter.fingerprint(folder: training.path, tool: "test")
    #expect(result.problems.isEmpty)
    let fingerprint = result.fingerprint
    #expect(fingerprint.caseCount == 3 && fingerprint.channelNames == ["T2", "ADC"])
    #expect(fingerprint.labelValues == [0, 1, 2])
    #expect(fingerprint.orientations == ["LPS": 3])
    #expect(fingerprint.dominantOrientation == "LPS")
    #expect(fingerprint.pixelTypes == [["i16": 3], ["i16": 3]])
    #expect(fingerprint.segmentationHeads == 3)
    // Foreground intensities of channel 0: values 100 + (n·7919 mod 97) under label > 0, so within 100...196.
    let fg = try #require(fingerprint.intensity[0].foreground)
    #expect(fg.min >= 100 && fg.max <= 196)
    let folder = TemporaryFolder("fp-file")
    let path = folder.file("fp.json")
    try AtomicFile.write(fingerprint.jsonData(), to: path)
    #expect(try DatasetFingerprint.load(path) == fingerprint)

    var object = try JSONSerialization.jsonObject(with: fingerprint.jsonData()) as! [String: Any]
    object["version"] = DatasetFingerprint.currentVersion + 1
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    do {
      _ = try CheckReference.load(path, tool: "test")
      Issue.record("accepted a newer version")
    } catch {
      #expect(error.reason.contains("version 2 is newer"))
    }
    try Data("{\"format\": \"harmonize.fingerprint\", \"version\": 1, ".utf8).write(to: URL(fileURLWithPath: path))
    do {
      _ = try CheckReference.load(path, tool: "test")
      Issue.record("accepted malformed JSON")
    } catch {
      #expect(error.reason.hasPrefix("malformed JSON"))
    }
  }
}
