import Foundation
import HarmonizeResample
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// Our resampling against SimpleITK's, run from the test command's venv.
@Suite("Resampling against SimpleITK")
struct ResampleConformanceTests {
  /// Runs `python/resample.py` on a list of jobs; fails (never skips) when the venv is missing.
  private func simpleITK(_ jobs: [[String: Any]], in folder: TemporaryFolder) throws {
    let jobFile = folder.file("jobs.json")
    try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: jobFile))
    let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/resample.py"
    let result = try run(TestEnvironment.python, [script, jobFile])
    guard result.status == 0 else { throw TestEnvironmentError("resample.py failed: \(result.stderr.suffix(2000))") }
  }

  private func input(
    _ type: PixelType, direction: [Double], size: [Int] = [17, 13, 9], spacing: [Double] = [0.7, 0.8, 2.5]
  ) -> Volume {
    // Smooth content plus the pattern, so that both interpolation and casting are exercised.
    var v = SyntheticVolume.make(
      size: size, spacing: spacing, origin: [12.3, -45.6, 7.8], direction: direction, pixelType: type)
    let n = v.valueCount
    let scale = type.isInteger ? min(type.range.upperBound, 20000) / 4 : 400
    func value(_ i: Int) -> Double {
      let x = Double(i % size[0]), y = Double((i / size[0]) % size[1]), z = Double(i / (size[0] * size[1]))
      let smooth = sin(x / 3) * cos(y / 4) + 0.5 * sin(z / 2)
      return (type.isSigned ? smooth : smooth + 1.5) * scale
        + SyntheticVolume.value(i, type).truncatingRemainder(dividingBy: 7)
    }
    switch type {
    case .u8:
      v.withUnsafeMutableBufferPointer(as: UInt8.self) { for i in 0..<n { $0[i] = UInt8(max(0, min(255, value(i)))) } }
    case .i16: v.withUnsafeMutableBufferPointer(as: Int16.self) { for i in 0..<n { $0[i] = Int16(value(i)) } }
    case .u16: v.withUnsafeMutableBufferPointer(as: UInt16.self) { for i in 0..<n { $0[i] = UInt16(max(0, value(i))) } }
    case .i32: v.withUnsafeMutableBufferPointer(as: Int32.self) { for i in 0..<n { $0[i] = Int32(value(i)) } }
    case .f32: v.withUnsafeMutableBufferPointer(as: Float.self) { for i in 0..<n { $0[i] = Float(value(i)) } }
    case .f64: v.withUnsafeMutableBufferPointer(as: Double.self) { for i in 0..<n { $0[i] = value(i) } }
    default: break  // the synthetic pattern alone
    }
    return v
  }

  static let directions: [(String, [Double])] = [
    ("identity", [1, 0, 0, 0, 1, 0, 0, 0, 1]),
    ("flipped", [-1, 0, 0, 0, -1, 0, 0, 0, 1]),
    ("permuted", [0, 0, 1, 1, 0, 0, 0, 1, 0]),
  ]

  /// `--sitk-compatible` is bit-identical to the SimpleITK recipe: linear and nearest, integer and float types,
  /// up- and downsampling, identity, flipped and permuted directions, non-zero origins.
  @Test func sitkCompatibleIsBitIdenticalToTheRecipe() throws {
    let folder = TemporaryFolder("sitk-recipe")
    var cases: [(name: String, input: Volume, spacing: [Double], interpolation: Interpolation)] = []
    for type in [PixelType.i16, .u8, .f32, .i32] {
      for (dname, direction) in Self.directions {
        for spacing in [[0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [0.35, 0.4, 1.25], [1.4, 1.6, 5.0]] {
          for interpolation in [Interpolation.linear, .nearest] {
            cases.append(
              (
                "\(type)_\(dname)_\(spacing.map { formatNumber($0) }.joined(separator: "_"))_\(interpolation)",
                input(type, direction: direction), spacing, interpolation
              ))
          }
        }
      }
    }
    var jobs: [[String: Any]] = []
    for c in cases {
      try ImageFile.write(c.input, to: folder.file(c.name + "_in.mha"))
      jobs.append([
        "mode": "recipe", "input": folder.file(c.name + "_in.mha"), "output": folder.file(c.name + "_sitk.mha"),
        "spacing": c.spacing, "interpolation": c.interpolation.rawValue,
      ])
    }
    try simpleITK(jobs, in: folder)
    var mismatchingCases: [String] = []
    for c in cases {
      let source = try ImageFile.read(at: folder.file(c.name + "_in.mha"))
      let (ours, _) = try Resampler.resample(
        source, ResampleRequest(target: .spacing(c.spacing), interpolation: c.interpolation, sitkCompatible: true))
      let theirs = try ImageFile.read(at: folder.file(c.name + "_sitk.mha"))
      #expect(ours.geometry.size == theirs.geometry.size, "\(c.name)")
      #expect(
        ours.geometry.origin == theirs.geometry.origin && ours.geometry.spacing == theirs.geometry.spacing, "\(c.name)")
      let identical = ours.withUnsafeBytes { a in theirs.withUnsafeBytes { b in a.elementsEqual(b) } }
      if !identical { mismatchingCases.append(c.name) }
    }
    #expect(cases.count == 96)
    #expect(mismatchingCases.isEmpty, "not bit-identical: \(mismatchingCases)")
  }

  /// Oblique directions: identical except at exact half-voxel ties (vnl's SVD and our inverse differ in the last bits).
  @Test func sitkCompatibleWithObliqueDirectionDiffersOnlyAtTies() throws {
    let folder = TemporaryFolder("sitk-oblique")
    let direction = SyntheticVolume.obliqueDirection(degrees: 7)
    var jobs: [[String: Any]] = []
    let names = ["linear", "nearest"]
    for name in names {
      try ImageFile.write(input(.f32, direction: direction), to: folder.file("in.mha"))
      jobs.append([
        "mode": "recipe", "input": folder.file("in.mha"), "output": folder.file("\(name).mha"),
        "spacing": [0.45, 0.55, 1.1], "interpolation": name,
      ])
    }
    try simpleITK(jobs, in: folder)
    let source = try ImageFile.read(at: folder.file("in.mha"))
    for name in names {
      let (ours, _) = try Resampler.resample(
        source,
        ResampleRequest(
          target: .spacing([0.45, 0.55, 1.1]), interpolation: Interpolation(rawValue: name)!, sitkCompatible: true))
      let theirs = try ImageFile.read(at: folder.file("\(name).mha"))
      let a = ours.allValues, b = theirs.allValues
      let differing = zip(a, b).filter { $0 != $1 }
      if name == "linear" {
        #expect((differing.map { abs($0.0 - $0.1) }.max() ?? 0) < 1e-3, "linear differs beyond float rounding")
      } else {
        // Every differing voxel must sit on an exact half-voxel tie along some axis: the recipe keeps origin and
        // direction, so output voxel (i, j, k) is at input index (i·t/s, j·t/s, k·t/s) exactly, in real numbers.
        let size = ours.geometry.size
        let ratio = zip([0.45, 0.55, 1.1], source.geometry.spacing).map { $0 / $1 }
        var offTie = 0
        for n in 0..<a.count where a[n] != b[n] {
          let index = [n % size[0], (n / size[0]) % size[1], n / (size[0] * size[1])]
          let atTie = (0..<3).contains { axis in
            let c = Double(index[axis]) * ratio[axis]
            return abs(c - c.rounded(.down) - 0.5) < 1e-9
          }
          if !atTie { offTie += 1 }
        }
        #expect(differing.count > 0, "this grid was chosen to have ties; if none differ the check proves nothing new")
        #expect(offTie == 0, "nearest: \(offTie) of \(differing.count) differing voxels are not at a half-voxel tie")
      }
    }
  }

  /// Default mode, on our own grid given to SimpleITK: float outputs within 1e-4 of the input's range for linear and
  /// B-spline, nearest identical; integer outputs are SimpleITK's value rounded (we round, it truncates).
  @Test(arguments: PixelType.allCases)
  func defaultModeAgreesOnOurGrid(_ type: PixelType) throws {
    let folder = TemporaryFolder("ongrid-\(type)")
    let source = input(type, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1])
    try ImageFile.write(source, to: folder.file("in.mha"))
    let read = try ImageFile.read(at: folder.file("in.mha"))
    var jobs: [[String: Any]] = []
    var ours: [String: Volume] = [:]
    for interpolation in [Interpolation.linear, .nearest, .bspline] {
      let asFloat = interpolation != .nearest
      let (out, _) = try Resampler.resample(
        read, ResampleRequest(target: .spacing([1.0]), interpolation: interpolation, outputType: asFloat ? .f32 : nil))
      try ImageFile.write(out, to: folder.file("ours_\(interpolation).mha"))
      ours[interpolation.rawValue] = out
      jobs.append([
        "mode": "ongrid", "input": folder.file("in.mha"), "reference": folder.file("ours_\(interpolation).mha"),
        "output": folder.file("sitk_\(interpolation).mha"), "interpolation": interpolation.rawValue, "float": asFloat,
      ])
    }
    try simpleITK(jobs, in: folder)
    let inputValues = read.allValues
    let range = max((inputValues.max() ?? 0) - (inputValues.min() ?? 0), 1)
    for interpolation in ["linear", "bspline"] {
      let a = ours[interpolation]!.allValues,
        b = (try ImageFile.read(at: folder.file("sitk_\(interpolation).mha"))).allValues
      let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-4 * range, "\(type) \(interpolation): \(worst) of range \(range)")
    }
    #expect(
      ours["nearest"]!.allValues == (try ImageFile.read(at: folder.file("sitk_nearest.mha"))).allValues,
      "\(type) nearest")
  }

  @Test func fourDimensionalTwoDimensionalAndThinImagesAgreeOnOurGrid() throws {
    let folder = TemporaryFolder("ongrid-shapes")
    let shapes: [(String, Volume, [Double])] = [
      ("4d", SyntheticVolume.make(size: [9, 8, 6, 3], spacing: [0.7, 0.7, 2.5, 2000], pixelType: .f32), [1.0]),
      ("2d", SyntheticVolume.make(size: [15, 11], spacing: [0.7, 0.9], pixelType: .f32), [0.5]),
      ("thin", SyntheticVolume.make(size: [15, 11, 1], spacing: [0.7, 0.9, 3], pixelType: .f32), [0.5, 0.5, 3]),
    ]
    var jobs: [[String: Any]] = []
    var ours: [String: Volume] = [:]
    for (name, volume, spacing) in shapes {
      try ImageFile.write(volume, to: folder.file("\(name)_in.mha"))
      let (out, _) = try Resampler.resample(
        try ImageFile.read(at: folder.file("\(name)_in.mha")), ResampleRequest(target: .spacing(spacing)))
      try ImageFile.write(out, to: folder.file("\(name)_ours.mha"))
      ours[name] = out
      jobs.append([
        "mode": name == "4d" ? "ongrid4d" : "ongrid", "input": folder.file("\(name)_in.mha"),
        "reference": folder.file("\(name)_ours.mha"),
        "output": folder.file("\(name)_sitk.mha"), "interpolation": "linear", "float": true,
      ])
    }
    try simpleITK(jobs, in: folder)
    for (name, volume, _) in shapes {
      let a = ours[name]!.allValues, b = (try ImageFile.read(at: folder.file("\(name)_sitk.mha"))).allValues
      let range = (volume.allValues.max() ?? 0) - (volume.allValues.min() ?? 0)
      #expect(a.count == b.count, "\(name)")
      #expect((zip(a, b).map { abs($0 - $1) }.max() ?? 0) <= 1e-4 * range, "\(name)")
    }
  }

  /// The anisotropic case users run most (0.7 x 0.7 x 2.5 mm to 1 mm), through the CLI to .nii.gz: nibabel reads the
  /// output with the affine we promise, and SimpleITK on our grid agrees.
  @Test func anisotropicToIsotropicThroughTheCommandLine() throws {
    let folder = TemporaryFolder("cli-resample")
    try ImageFile.write(input(.i16, direction: SyntheticVolume.obliqueDirection()), to: folder.file("ct.nii.gz"))
    let result = try run(
      TestEnvironment.harmonizeBinary,
      ["resample", folder.file("ct.nii.gz"), folder.file("iso.nii.gz"), "--spacing", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let header = try ImageFile.readHeader(at: folder.file("iso.nii.gz"))
    #expect(header.geometry.spacing.allSatisfy { abs($0 - 1) < 1e-6 })
    #expect(
      header.geometry.size == [
        GridPlanner.outputSize(17, 0.7, 1), GridPlanner.outputSize(13, 0.8, 1), GridPlanner.outputSize(9, 2.5, 1),
      ])
    let facts = try conformance(["inspect", folder.file("iso.nii.gz")])
    let nibabel = try #require(facts.first?.nibabel)
    expectAgreement(ImageInfo(path: folder.file("iso.nii.gz"), header: header), nibabel, "iso.nii.gz")
    try simpleITK(
      [
        [
          "mode": "ongrid", "input": folder.file("ct.nii.gz"), "reference": folder.file("iso.nii.gz"),
          "output": folder.file("sitk.nii.gz"), "interpolation": "linear", "float": true,
        ]
      ], in: folder)
    let a = (try ImageFile.read(at: folder.file("iso.nii.gz"))).allValues,
      b = (try ImageFile.read(at: folder.file("sitk.nii.gz"))).allValues
    // Ours is rounded to int16, SimpleITK's is float: at most half a unit apart, plus 1e-4 of the range.
    let inputValues = (try ImageFile.read(at: folder.file("ct.nii.gz"))).allValues
    let range = (inputValues.max() ?? 0) - (inputValues.min() ?? 0)
    #expect((zip(a, b).map { abs($0 - $1) }.max() ?? 9) <= 0.5 + 1e-4 * range)
  }
}
