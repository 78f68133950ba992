import Foundation
import HarmonizeCheck
import HarmonizeVolume
import _HarmonizeTestSupport

/// A training dataset (3 cases, T2 + ADC, labels 0-2, LPS, about 0.84 x 0.84 x 2.5 mm) and a folder of
/// prediction inputs that each test fills with the flaw it is about.
final class CheckFixture: @unchecked Sendable {
  let training = TemporaryFolder("check-training")
  let inputs = TemporaryFolder("check-inputs")
  let reference: CheckReference
  static let gib = 1_073_741_824.0

  init() throws {
    try DatasetFixture.write(at: training.path)
    reference = try CheckReference.load(training.path, tool: "test")
  }

  /// Writes `CASE_XXXX.nii.gz` channel files into the inputs folder.
  func writeCase(
    _ id: String, channels: [Int] = [0, 1], size: [Int] = [24, 20, 10], spacing: [Double] = [0.84, 0.84, 2.5],
    origin: [Double]? = nil, direction: [Double]? = nil, pixelType: PixelType = .i16, ending: String = ".nii.gz",
    edit: ((Int, inout Volume) -> Void)? = nil
  ) throws {
    for c in channels {
      var volume = DatasetFixture.image(
        size: size, spacing: spacing, origin: origin, direction: direction,
        pixelType: pixelType, base: 100 + 400 * Double(min(c, 1)))
      edit?(c, &volume)
      try ImageFile.write(volume, to: inputs.file(id + String(format: "_%04d", c) + ending))
    }
  }

  func check(
    _ paths: [String]? = nil, memory: Double = 64 * gib, reference: CheckReference? = nil,
    labels: String? = nil
  ) throws -> CheckReport {
    try Checker.check(
      paths ?? [inputs.path], against: reference ?? self.reference,
      options: CheckOptions(memory: memory, labelsFolder: labels))
  }
}

extension CheckReport {
  /// The findings of one case.
  func findings(_ id: String) -> [Finding] { cases.first { $0.id == id }?.findings ?? [] }
}
