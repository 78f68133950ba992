import Foundation
import HarmonizeVolume

extension FileResampler {
  /// As `resample(input:output:request:...)`, after cutting the input to nnU-Net's crop box (`NonzeroCrop`): the union
  /// of the non-zero boxes of `cropFiles`, or of the input itself when `cropFiles` is empty (a segmentation is cropped
  /// with its image's box: pass the image's channel files). nnU-Net crops before it resamples, so with the `nnunet`
  /// interpolations the output has nnU-Net's preprocessed shape. The input is read whole. Outside the box nothing is
  /// written: `restore` fills it with the default value, as nnU-Net's export fills background.
  /// - Throws: `ImageFileError`, `ResampleError` (a crop file on another grid than the input); no output is left.
  public static func resampleCropped(
    input: String, output: String, request: ResampleRequest, cropFiles: [String] = [], orientation: String? = nil,
    writeOptions: WriteOptions = WriteOptions(), sidecarTool: String? = nil
  ) throws -> Report {
    do {
      return try cropThenResample(
        input: input, output: output, request: request, cropFiles: cropFiles, orientation: orientation,
        writeOptions: writeOptions, sidecarTool: sidecarTool)
    } catch let error as ResampleError {
      throw error.at(input)
    }
  }

  private static func cropThenResample(
    input: String, output: String, request: ResampleRequest, cropFiles: [String], orientation: String?,
    writeOptions: WriteOptions, sidecarTool: String?
  ) throws -> Report {
    var writeOptions = writeOptions
    try ImageFile.checkWritable(output, inputs: [input] + cropFiles)
    let clock = ContinuousClock()
    let t0 = clock.now
    let source = try ImageFile.readHeader(at: input)
    var volume = try ImageFile.read(at: input)
    var box: NonzeroCrop.Box?
    if cropFiles.isEmpty {
      box = NonzeroCrop.box(of: volume)
    } else {
      for file in cropFiles {
        let channel = file == input ? volume : try ImageFile.read(at: file)
        guard channel.geometry.size.prefix(3) == source.geometry.size.prefix(3) else {
          throw ResampleError(
            .invalidRequest(
              "crop file '\(file)' has size \(formatList(channel.geometry.size)), not the input's \(formatList(source.geometry.size))"
            ))
        }
        if let own = NonzeroCrop.box(of: channel) { box = box.map { $0.union(own) } ?? own }
      }
    }
    var notes: [String] = []
    if let box {
      volume = try NonzeroCrop.crop(volume, to: box)
      notes.append(
        "cropped to the non-zero box \(formatList(box.lower))-\(formatList(box.upper)) (\(formatList(box.size)) voxels), as nnU-Net's crop_to_nonzero"
      )
    } else {
      notes.append("every voxel is zero: nothing to crop")
    }
    if let orientation {
      let reorientation = try Reorientation.plan(volume.geometry, to: orientation)
      if !reorientation.isIdentity { volume = try Reorientation.apply(reorientation, to: volume) }
    }
    let header = volume.header()
    let plan = try GridPlanner.plan(header, request)
    // The cropped input is held; refuse a grid whose output and working memory cannot fit before allocating them.
    try checkFits(
      layout(inputPath: input, header: header, output: output, plan: plan, request: request, streaming: .never),
      plan: plan, output: output, request: request)
    if let sidecarTool {
      var parameters = Sidecar.parameters(request, orientation: orientation)
      parameters["crop"] = box.map { "\(formatList($0.lower))-\(formatList($0.upper))" } ?? "none"
      writeOptions.companions[Sidecar.suffix] =
        Sidecar(
          tool: sidecarTool, source: input, sourceHeader: source, outputGeometry: plan.geometry, parameters: parameters
        ).jsonData()
    }
    let t1 = clock.now
    let result = try Resampler.resample(volume, to: plan, request: request)
    let t2 = clock.now
    try ImageFile.write(result, to: output, options: writeOptions)
    return Report(
      input: header, source: source, plan: plan,
      seconds: (seconds(t1 - t0), seconds(t2 - t1), seconds(clock.now - t2)), streamed: false, inputStreamed: false,
      notes: notes)
  }
}
