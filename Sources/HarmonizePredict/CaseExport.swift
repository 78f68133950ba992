import Foundation
import HarmonizeResample
import HarmonizeVolume

/// Turns one case's logits into its label map on the grid of the image the network was given, as nnU-Net's export
/// does: resample onto the cropped grid (`exact`: every class, nnU-Net's probability resampling and argmax; `labels`:
/// the argmax at the network's grid, then nnU-Net's segmentation resampling), un-crop (background outside the box),
/// un-transpose. Geometry is the image's own (ITK's LPS, mm).
enum CaseExport {
  /// - Parameters:
  ///   - planSpacing: the configuration's spacing, transposed (2 values for a 2D configuration).
  ///   - transposeForward: the plans' permutation of numpy's axes.
  ///   - geometry: the image nnU-Net read (its first channel's header).
  /// - Throws: `PredictError` when the logits do not belong to that image, or memory cannot be had.
  static func labels(
    _ logits: LogitsCase, export: PredictExport, planSpacing: [Double], transposeForward t: [Int],
    geometry: Geometry, labelType: PixelType, path: String, threads: Int
  ) throws(PredictError) -> Volume {
    // The image's numpy shape (z, y, x) transposed must be the logits' shape before cropping.
    let numpyShape = Array(geometry.size.prefix(3).reversed())
    let transposedShape = t.map { numpyShape[$0] }
    guard geometry.dimension == 3, transposedShape == logits.shapeBeforeCropping else {
      throw PredictError(
        path,
        "the runner's shape before cropping \(logits.shapeBeforeCropping) is not the image's \(transposedShape) (transposed)"
      )
    }
    let spacingT = t.map { logits.spacing[$0] }
    let current = CasePreprocessing.planSpacing3D(planSpacing, ownTransposed: spacingT)
    let separate = NNUNetResampling.separateAxis(current: current, target: spacingT)
    var volume: Volume
    do { volume = try Volume(geometry: geometry, pixelType: labelType) } catch {
      throw PredictError(path, "cannot hold the label map: \(error)")
    }
    // ITK's stride of each transposed axis: numpy axis j is ITK axis 2 - j.
    let n = geometry.size
    let itkStride = [1, n[0], n[0] * n[1]]
    let strides = t.map { itkStride[2 - $0] }
    let base = (0..<3).reduce(0) { $0 + logits.box[$1].lower * strides[$1] }
    func run<L: FixedWidthInteger & UnsignedInteger & StoredPixel>(_: L.Type) -> PredictError? {
      volume.withUnsafeMutableBufferPointer(as: L.self) { buffer -> PredictError? in
        let destination = NNUNetLogitsExport.Destination(pointer: buffer.baseAddress!, base: base, strides: strides)
        switch export {
        case .exact:
          NNUNetLogitsExport.argmax(
            logits.logits, to: logits.croppedShape, separateAxis: separate, into: destination, threads: threads)
          return nil
        case .labels:
          do {
            try restoreArgmax(
              logits.logits, to: logits.croppedShape, separateAxis: separate, destination, path: path,
              threads: threads)
            return nil
          } catch { return error as? PredictError ?? PredictError(path, "\(error)") }
        }
      }
    }
    if let failure = labelType == .u8 ? run(UInt8.self) : run(UInt16.self) { throw failure }
    return volume
  }

  /// `--export labels`: the argmax at the network's grid, resampled onto the cropped grid by nnU-Net's segmentation
  /// resampling (per-label linear, argmax, nearest across a separate axis).
  static func restoreArgmax<L: FixedWidthInteger & UnsignedInteger & StoredPixel>(
    _ logits: NNUNetLogits, to m: [Int], separateAxis: Int?, _ destination: NNUNetLogitsExport.Destination<L>,
    path: String, threads: Int
  ) throws(PredictError) {
    let d = logits.shape
    let type: PixelType = L.self == UInt8.self ? .u8 : .u16
    // Volumes whose ITK axes are the transposed numpy axes reversed (x = transposed axis 2).
    func grid(_ size: [Int]) -> Geometry {
      Geometry(size: size.reversed(), spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }
    let small: Volume, large: Volume
    do {
      var argmax = try Volume(geometry: grid(d), pixelType: type)
      argmax.withUnsafeMutableBufferPointer(as: L.self) { out in
        let destination = NNUNetLogitsExport.Destination(
          pointer: out.baseAddress!, base: 0, strides: [d[1] * d[2], d[2], 1])
        // The identity resize is nnU-Net's argmax at the network grid (values as stored, first class wins a tie).
        NNUNetLogitsExport.argmax(logits, to: d, separateAxis: nil, into: destination, threads: threads)
      }
      small = argmax
      large = try NNUNetResampling.resampleLabels(
        small, onto: grid(m), separateAxis: separateAxis.map { 2 - $0 }, threads: threads)
    } catch {
      throw PredictError(path, "cannot restore the labels: \(error)")
    }
    large.withUnsafeBufferPointer(as: L.self) { values in
      var i = 0
      for t0 in 0..<m[0] {
        for t1 in 0..<m[1] {
          let row = destination.base + t0 * destination.strides[0] + t1 * destination.strides[1]
          for t2 in 0..<m[2] {
            destination.pointer[row + t2 * destination.strides[2]] = values[i]
            i += 1
          }
        }
      }
    }
  }
}
