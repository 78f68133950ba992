import ArgumentParser
import Foundation
import Harmonize

extension HarmonizeCommand {
  /// `harmonize resample INPUT OUTPUT --spacing ...`: one image onto a new grid.
  struct Resample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Resample an image to a target spacing or onto a reference image's grid.",
      discussion: """
        Spacing is in mm. The default grid (center) keeps the field of view centred and never samples outside the \
        data; --grid sitk is the common SimpleITK recipe (origin kept; upsampling leaves an empty last plane); \
        --grid nnunet places samples as nnU-Net's resize does. --sitk-compatible reproduces SimpleITK's Resample \
        (its grid, coordinates, inside test and truncating integer cast): bit for bit on axis-aligned grids; on oblique \
        directions about 0.1-1% of integer voxels differ by exactly ±1 (values within rounding of an integer truncate \
        to its neighbour). Integer outputs are otherwise \
        rounded to nearest and clamped. Size caps coarsen the spacing just enough and keep an isotropic target \
        isotropic. Use --interpolation label (or nearest) for segmentations.
        """
    )

    @Argument(help: ArgumentHelp("Image to resample (or a DICOM folder or DICOMDIR).", valueName: "input")) var given:
      String
    /// The input as readers take it: a DICOM series selected with --series becomes FOLDER#SERIES.
    var input: String { (try? dicom.input(given)) ?? given }
    @Argument(help: "Output file; its ending picks the format (.nii.gz, .nii, .nrrd, .mha, ...).") var output: String
    @Option(help: "Take the output grid (size, spacing, origin, direction) from this image.") var like: String?
    @Option(
      help:
        "linear (images), nearest or label (segmentations), bspline (cubic), nnunet / nnunet-label (nnU-Net v2's own image / segmentation resampling, on its grid)."
    ) var interpolation: Interpolation = .linear
    @Flag(
      help:
        "Reproduce SimpleITK's Resample recipe: bit for bit on axis-aligned grids; on oblique ones about 0.1-1% of integer voxels differ by ±1 (truncation at rounding ties)."
    )
    var sitkCompatible = false
    @Option(help: "Output pixel type (u8 i8 u16 i16 u32 i32 u64 i64 f32 f64); default: the input's.") var outputType:
      PixelType?
    @Option(
      help: "Reorient losslessly before resampling: RAS+ letters (e.g. RAS), or like-training (with --fingerprint).")
    var orient: String?
    @Option(help: "A `harmonize fingerprint` file; --orient like-training takes its most common orientation.")
    var fingerprint: String?
    @Option(help: "Worker threads; default: all cores.") var threads: Int?
    @Flag(
      help:
        "Say on stderr how the pixels were held (input whole or in windows of planes, output whole or in slabs, and why), and what ITK printed."
    )
    var verbose = false
    @Flag(help: "Print the result as JSON (grid, timings, streaming, warnings) instead of a line.") var json = false
    @Flag(help: "Do not write OUTPUT.harmonize.json (the source geometry and parameters, for harmonize restore).")
    var noSidecar = false
    @Flag(help: "Crop to the box of non-zero voxels first, as nnU-Net's crop_to_nonzero (the input is read whole).")
    var cropNonzero = false
    @Option(
      help:
        "An nnU-Net plans file (nnUNetPlans.json or a model's plans.json): resample as its preprocessor does (crop to non-zero, the configuration's spacing and transpose, nnU-Net's resampling); --interpolation nnunet-label for segmentations."
    )
    var nnunetPlans: String?
    @Option(help: "The plans' configuration (with --nnunet-plans).") var configuration = "3d_fullres"
    @Option(
      help:
        "Crop to the union of these files' non-zero boxes first (repeatable; same grid as the input): a segmentation cropped with its image's channels."
    )
    var cropTo: [String] = []

    @OptionGroup(title: "Target grid") var grid: TargetGridOptions
    @OptionGroup(title: "DICOM") var dicom: DicomSeriesOption
    @OptionGroup(title: "Reading") var transform: NiftiTransformOption

    var spacing: SpacingArgument? { grid.spacing }
    var maxSize: SizeCapArgument? { grid.maxSize }
    var maxVoxels: Int? { grid.maxVoxels }
    var defaultValue: Double { grid.defaultValue }
    var compression: CompressionArgument? { grid.compression }

    func validate() throws {
      _ = try dicom.input(given)
      if nnunetPlans != nil {
        if spacing != nil || like != nil {
          throw ValidationError("--nnunet-plans sets the spacing: drop --spacing and --like.")
        }
        if ![.linear, .nnunet, .nnunetLabel].contains(interpolation) {
          throw ValidationError(
            "--nnunet-plans resamples as nnU-Net does: --interpolation nnunet (images) or nnunet-label.")
        }
        return
      }
      if (spacing == nil) == (like == nil) { throw ValidationError("Give exactly one of --spacing and --like.") }
      if like != nil && (maxSize != nil || maxVoxels != nil) {
        throw ValidationError("--max-size and --max-voxels apply to --spacing targets, not --like.")
      }
      if sitkCompatible, let preset = grid.grid, preset != .sitk {
        throw ValidationError("--sitk-compatible uses the sitk grid; drop --grid \(preset.rawValue).")
      }
      if let problem = request(target: .spacing(spacing?.values ?? [1])).problems.first {
        throw ValidationError(problem)
      }
      if cropNonzero || !cropTo.isEmpty {
        if like != nil { throw ValidationError("--crop-nonzero and --crop-to go with --spacing, not --like.") }
        if cropNonzero && !cropTo.isEmpty { throw ValidationError("Give --crop-nonzero or --crop-to, not both.") }
      }
      if let orient {
        if like != nil {
          throw ValidationError("--orient goes with --spacing; with --like the reference's grid sets the orientation.")
        }
        if orient == TrainingOrientation.keyword {
          if fingerprint == nil {
            throw ValidationError("--orient like-training needs --fingerprint FILE (from harmonize fingerprint).")
          }
        } else {
          do { _ = try Reorientation.parse(orient) } catch { throw ValidationError(error.description) }
        }
      }
    }

    func request(target: ResampleRequest.Target) -> ResampleRequest {
      ResampleRequest(
        target: target, grid: grid.preset, interpolation: interpolation, maxSize: maxSize?.values,
        maxVoxels: maxVoxels,
        defaultValue: defaultValue, outputType: outputType, sitkCompatible: sitkCompatible, threads: threads)
    }

    func run() throws {
      transform.apply()
      let orientation =
        try orient == TrainingOrientation.keyword ? TrainingOrientation.code(fromFingerprint: fingerprint!) : orient
      try runFileCommand(input: input, output: output) {
        let target: ResampleRequest.Target
        var nnunet: NNUNetPlanTarget?
        if let nnunetPlans {
          nnunet = try NNUNetPlanTarget(plans: nnunetPlans, configuration: configuration, input: input)
          target = .spacing(nnunet!.spacing)
        } else if let like {
          target = .like(try ImageFile.readHeader(at: like).geometry)
        } else {
          target = .spacing(spacing!.values)
        }
        var request = request(target: target)
        if let nnunet {
          request.interpolation = interpolation == .nnunetLabel ? .nnunetLabel : .nnunet
          request.nnunetAxes = nnunet.numpyAxes
        }
        let writeOptions = WriteOptions(compressionLevel: compression?.level(for: output), threads: threads)
        let tool = noSidecar ? nil : "harmonize \(HarmonizeCommand.configuration.version)"
        // nnU-Net crops every case to its non-zero box before resampling.
        let report =
          cropNonzero || !cropTo.isEmpty || nnunet != nil
          ? try FileResampler.resampleCropped(
            input: input, output: output, request: request, cropFiles: cropTo, orientation: orientation,
            writeOptions: writeOptions, sidecarTool: tool)
          : try FileResampler.resample(
            input: input, output: output, request: request, orientation: orientation,
            writeOptions: writeOptions, sidecarTool: tool)
        let warnings = report.plan.warnings + ImageFile.readWarnings(for: input, header: report.source)
        for warning in warnings { printError("warning: \(input): \(warning)") }
        if verbose {
          for note in report.notes { printError("\(input): \(note)") }
          for line in LibraryMessages.drain() { printError("\(input): ITK said: \(line)") }
        }
        let g = report.plan.geometry
        if json {
          JSONOutput.print([
            "input": input, "output": output, "grid": JSONOutput.geometry(g),
            "pixelType": report.plan.pixelType.rawValue,
            "interpolation": request.interpolation.rawValue, "source": JSONOutput.geometry(report.source.geometry),
            "seconds": [
              "read": report.seconds.read, "resample": report.seconds.resample, "write": report.seconds.write,
            ],
            "inputStreamed": report.inputStreamed, "outputStreamed": report.streamed,
            "peakMemoryBytes": PeakMemory.residentBytes, "warnings": warnings, "notes": report.notes,
            "sidecar": noSidecar ? NSNull() : output + Sidecar.suffix as Any,
          ])
          return
        }
        print(
          "\(output): \(g.size.map(String.init).joined(separator: " x ")) at \(g.spacing.map(formatNumber).joined(separator: " x ")) mm, "
            + "\(report.plan.pixelType), \(request.interpolation.rawValue) "
            + "(read \(format(report.seconds.read)) s, resample \(format(report.seconds.resample)) s, write \(format(report.seconds.write)) s, "
            + (report.inputStreamed ? "input read in windows of planes, " : "")
            + (report.streamed ? "streamed in slabs, " : "")
            + "peak memory \(formatBytes(PeakMemory.residentBytes)))")
      }
    }

    private func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }
  }
}
