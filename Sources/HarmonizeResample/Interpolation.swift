import HarmonizeVolume

/// How values between voxel centres are estimated.
public enum Interpolation: String, CaseIterable, Codable, Sendable {
  /// Trilinear, as ITK's `LinearInterpolateImageFunction` (x, then y, then z): the default for images.
  case linear
  /// The nearest voxel, ties rounded half up as ITK does: copies labels exactly.
  case nearest
  /// Label-safe smooth: each label's mask interpolated linearly, then the label with the largest weight
  /// (nnU-Net's segmentation resampling, without one float mask per label in memory). Never invents a label.
  case label
  /// Cubic B-spline with prefilter (ITK's `BSplineInterpolateImageFunction`, order 3).
  case bspline
  /// nnU-Net v2's own image resampling (`NNUNetResampling`): cubic, clipped to the input's range, nearest neighbour
  /// across the out-of-plane axis of anisotropic data; float32 out, on nnU-Net's grid (`GridPreset.nnunet`).
  case nnunet
  /// nnU-Net v2's own segmentation resampling: linear per-label scores and argmax (in-plane for anisotropic data),
  /// nearest neighbour across the out-of-plane axis; on nnU-Net's grid.
  case nnunetLabel = "nnunet-label"

  /// Input voxels per axis one sample reads: 1 (nearest), 2 (linear, label), 4 (cubic B-spline).
  public var supportWidth: Int {
    switch self {
    case .nearest: 1
    case .linear, .label, .nnunetLabel: 2
    case .bspline, .nnunet: 4
    }
  }

  /// nnU-Net's own resampling: a whole-array algorithm on nnU-Net's grid, not a kernel.
  public var isNNUNet: Bool { self == .nnunet || self == .nnunetLabel }

  /// The prefilter runs over the whole input, so the input cannot be read or the output written in windows of planes.
  public var needsWholeInput: Bool { self == .bspline || isNNUNet }

  /// Working memory beyond the input and the output pixels, bytes, for resampling an image with header `input` onto
  /// `plan`: for B-spline on a grid whose axes are the input's (outside `--sitk-compatible`, one component), what
  /// `SeparableBSpline` holds (its stack of reduced slices and a slice per thread), otherwise the 64-tap path's float64
  /// coefficients (8 per input voxel); for `nnunet`, what `NNUNetResampling` holds (the float64 passes of its 3D path,
  /// or a plane per thread across a separate axis); for `nnunet-label`, 8 per input voxel, kept from when it held
  /// float64 copies (it now reads in place; measured at about 0 on N2).
  public func workingBytes(input: ImageHeader, plan: GridPlan, threads: Int, sitkCompatible: Bool = true) -> Int {
    let voxels = input.geometry.voxelCount ?? Int.max
    switch self {
    case .bspline where !sitkCompatible && input.components == 1:
      if let bytes = SeparableBSpline.workingBytes(input: input, plan: plan, threads: threads) { return bytes }
      fallthrough
    case .bspline, .nnunetLabel:
      let (bytes, overflow) = voxels.multipliedReportingOverflow(by: 8)
      return overflow ? Int.max : bytes
    case .nnunet: return NNUNetResampling.workingBytes(input: input.geometry, plan: plan, threads: threads)
    default: return 0
    }
  }

  /// Never produces a value that is not one of the input's labels: usable for segmentations.
  public var isLabelSafe: Bool { self == .nearest || self == .label || self == .nnunetLabel }

  /// The SimpleITK interpolator `--sitk-compatible` reproduces (`sitkLinear`, ...); nil where SimpleITK has none.
  public var simpleITKCounterpart: String? {
    switch self {
    case .linear: "sitkLinear"
    case .nearest: "sitkNearestNeighbor"
    case .bspline: "sitkBSpline"
    case .label, .nnunet, .nnunetLabel: nil
    }
  }
}

/// Where the output grid sits relative to the input, for a spacing target. See reference/resampling.md b.13.
public enum GridPreset: String, CaseIterable, Codable, Sendable {
  /// Target spacing exactly, size `round(n·s/t)` (half to even), centred on the input's field of view: no sample
  /// falls outside the data, so no empty last plane. The default.
  case center
  /// The common SimpleITK recipe: same size rule, input origin and direction kept. Upsampling leaves the last
  /// plane(s) at the default value because ITK treats a sample at n − 0.5 as outside.
  case sitk
  /// nnU-Net's array-space rule (skimage `resize`, align_corners=False): field-of-view edges aligned, samples
  /// at `(k + 0.5)·n/m − 0.5` in input index space. The file's header says where they are: spacing `s·n/m` (not
  /// exactly the requested spacing), origin at the first sample. The `nnunet` interpolations always use it.
  case nnunet
}

/// How a real value becomes an integer pixel.
public enum IntegerCast: String, Codable, Sendable {
  /// Round to nearest, ties to even (numpy's `rint`: unbiased, where half away from zero pushes every tie outward),
  /// then clamp to the type's range. The default.
  case roundAndClamp
  /// Clamp, then truncate toward zero, as ITK's `ResampleImageFilter` does (biases values down).
  case truncateAndClamp
}
