import ArgumentParser
import Harmonize

/// `--spacing 0.5` or `--spacing 0.7,0.7,2.5`: millimetres per spatial axis.
struct SpacingArgument: ExpressibleByArgument {
  var values: [Double]
  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
    values = parts.map { $0! }
  }
}

/// `--max-size 512` or `--max-size 512,512,256`: voxels per spatial axis.
struct SizeCapArgument: ExpressibleByArgument {
  var values: [Int]
  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
    values = parts.map { $0! }
  }
}

extension Interpolation: ExpressibleByArgument {}
extension GridPreset: ExpressibleByArgument {}
extension PixelType: ExpressibleByArgument {}
