import Foundation
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// nnU-Net v2's `DefaultPreprocessor.run_case` for a prediction input, done in harmonize in nnU-Net's order: the
/// channels read as float32, transposed by the plans, cropped to the non-zero box (`crop_to_nonzero`), normalized
/// (`NNUNetNormalization`), and resampled to the configuration's spacing with nnU-Net's own image resampling
/// (`NNUNetResampling`, `compute_new_shape`'s sizes). The result is the float32 array the network is given, written
/// channel after channel in nnU-Net's transposed C order, and nnU-Net's properties of the case.
///
/// nnU-Net normalizes before it resamples, so resampling the raw images and letting nnU-Net normalize afterwards
/// would change what the network sees (z-score statistics and CT clipping taken on interpolated values): harmonize
/// does all of it. It needs a third of nnU-Net's memory (one channel at a time, no float64 copy of the input).
enum CasePreprocessing {
  /// Whether harmonize reproduces the configuration's preprocessing (else nnU-Net's own runs in the runner).
  static func supports(_ configuration: NNUNetPlans.Configuration, channels: Int) -> Bool {
    configuration.preprocessorName == "DefaultPreprocessor" && configuration.usesDefaultResampling
      && configuration.normalizationSchemes.count == channels
      && configuration.normalizationSchemes.allSatisfy { NNUNetNormalization(rawValue: $0) != nil }
      && (2...3).contains(configuration.spacing.count)
  }

  /// nnU-Net's properties of a preprocessed case (transposed order except `spacing`, numpy order).
  struct Properties: Encodable {
    var spacing: [Double]
    var shape_before_cropping: [Int]
    var bbox_used_for_cropping: [[Int]]
    var shape_after_cropping_and_before_resampling: [Int]
    /// The network's input shape (transposed), not one of nnU-Net's keys.
    var shape_after_resampling: [Int]
  }

  /// Preprocesses the case whose channel files are `files` into `output` (raw float32, C order (C, t0, t1, t2)).
  /// - Throws: `PredictError` (a channel that cannot be read, channels of different grids, an empty image).
  static func run(
    files: [String], plans: NNUNetPlans, configuration: NNUNetPlans.Configuration, output: String, threads: Int
  ) throws(PredictError) -> Properties {
    var volumes: [Volume] = []
    for file in files {
      do { volumes.append(try ImageFile.read(at: file)) } catch { throw PredictError(error.path, error.detail) }
      let g = volumes.last!.geometry
      guard g.dimension == 3, volumes.last!.components == 1 else {
        throw PredictError(file, "harmonize preprocesses 3D single-component channels only")
      }
      guard g.size == volumes[0].geometry.size else {
        throw PredictError(file, "size \(g.size) differs from the first channel's \(volumes[0].geometry.size)")
      }
    }
    let t = plans.transposeForward
    let geometry = volumes[0].geometry
    let numpySpacing = Array(geometry.spacing.reversed())
    let numpyShape = Array(geometry.size.reversed())
    // ITK axis of transposed axis p.
    let itkAxis = t.map { 2 - $0 }
    guard let box = volumes.compactMap(NonzeroCrop.box(of:)).reduce(nil, { $0?.union($1) ?? $1 }) else {
      throw PredictError(files[0], "every voxel of every channel is zero: nothing to predict")
    }
    let spacingT = t.map { numpySpacing[$0] }
    let croppedT = itkAxis.map { box.size[$0] }
    let target = planSpacing3D(configuration.spacing, ownTransposed: spacingT)
    // compute_new_shape: int(round(old_spacing / new_spacing * old_shape)), Python's round (half to even).
    let newShapeT = (0..<3).map { Int((spacingT[$0] / target[$0] * Double(croppedT[$0])).rounded(.toNearestOrEven)) }
    guard newShapeT.allSatisfy({ $0 >= 1 }), croppedT.reduce(1, *) < Int(Int32.max) else {
      throw PredictError(files[0], "the cropped image \(croppedT) cannot be resampled to \(newShapeT)")
    }
    var newSizeITK = [0, 0, 0]
    for p in 0..<3 { newSizeITK[itkAxis[p]] = newShapeT[p] }
    let separate = NNUNetResampling.separateAxis(current: spacingT, target: target).map { itkAxis[$0] }
    let useMask = configuration.useMaskForNorm
    let mask = useMask.contains(true) ? filledMask(volumes, box: box) : nil
    guard let handle = createOutput(output) else { throw PredictError(output, "cannot write the network's input") }
    defer { try? handle.close() }
    for c in files.indices {
      let scheme = NNUNetNormalization(rawValue: configuration.normalizationSchemes[c])!
      var channel: Volume
      do {
        // The channel leaves the list as it is cropped: only its float32 crop stays in memory.
        let cropped = try NonzeroCrop.crop(volumes.removeFirst(), to: box)
        channel = try Volume(geometry: cropped.geometry, pixelType: .f32)
        channel.withUnsafeMutableBufferPointer(as: Float.self) { out in
          for i in 0..<cropped.valueCount { out[i] = Float(cropped.value(at: i)) }
        }
      } catch { throw PredictError(files[c], "\(error)") }
      var failure: PredictError?
      channel.withUnsafeMutableBufferPointer(as: Float.self) { values in
        do {
          try scheme.apply(
            values, useMask: c < useMask.count && useMask[c], mask: mask,
            properties: plans.foregroundIntensity[c], channel: c, path: files[c])
        } catch let error as PredictError { failure = error } catch { failure = PredictError(files[c], "\(error)") }
      }
      if let failure { throw failure }
      let resampled: Volume
      do {
        var grid = channel.geometry
        grid.size = newSizeITK
        resampled = try NNUNetResampling.resampleImage(channel, onto: grid, separateAxis: separate, threads: threads)
      } catch { throw PredictError(files[c], "\(error)") }
      try writeTransposed(resampled, itkAxis: itkAxis, shape: newShapeT, to: handle, path: output)
    }
    return Properties(
      spacing: numpySpacing, shape_before_cropping: t.map { numpyShape[$0] },
      bbox_used_for_cropping: itkAxis.map { [box.lower[$0], box.upper[$0] + 1] },
      shape_after_cropping_and_before_resampling: croppedT, shape_after_resampling: newShapeT)
  }

  /// A configuration's spacing on all three transposed axes, as nnU-Net's preprocessor and export take it: a 2D
  /// configuration keeps the image's own spacing on axis 0.
  static func planSpacing3D(_ plan: [Double], ownTransposed: [Double]) -> [Double] {
    plan.count == 3 ? plan : [ownTransposed[0]] + plan
  }

  /// The filled non-zero mask of the channels inside `box` (x fastest).
  static func filledMask(_ volumes: [Volume], box: NonzeroCrop.Box) -> [Bool] {
    let n = box.size
    let size = volumes[0].geometry.size
    var nonzero = [Bool](repeating: false, count: n[0] * n[1] * n[2])
    for volume in volumes {
      var o = 0
      for k in 0..<n[2] {
        for j in 0..<n[1] {
          let row = ((k + box.lower[2]) * size[1] + j + box.lower[1]) * size[0] + box.lower[0]
          for i in 0..<n[0] {
            if volume.value(at: row + i) != 0 { nonzero[o] = true }
            o += 1
          }
        }
      }
    }
    return NonzeroMask.filled(nonzero, size: n)
  }

  static func createOutput(_ path: String) -> FileHandle? {
    guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
    return FileHandle(forWritingAtPath: path)
  }

  /// Appends `volume`'s values in transposed C order (transposed axis 2 fastest).
  static func writeTransposed(
    _ volume: Volume, itkAxis: [Int], shape: [Int], to handle: FileHandle, path: String
  ) throws(PredictError) {
    let size = volume.geometry.size
    let itkStride = [1, size[0], size[0] * size[1]]
    let s = itkAxis.map { itkStride[$0] }
    var row = [Float](repeating: 0, count: shape[1] * shape[2])
    do {
      try volume.withUnsafeBufferPointer(as: Float.self) { values in
        for t0 in 0..<shape[0] {
          var o = 0
          for t1 in 0..<shape[1] {
            let base = t0 * s[0] + t1 * s[1]
            for t2 in 0..<shape[2] {
              row[o] = values[base + t2 * s[2]]
              o += 1
            }
          }
          try row.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        }
      }
    } catch {
      throw PredictError(path, "cannot write the network's input: \(error.localizedDescription)")
    }
  }
}
