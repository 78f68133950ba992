import Foundation
import HarmonizeVolume

/// Reads a few image files at the same time, one thread each (a `.nii.gz` inflates on one core).
final class ConcurrentReads: @unchecked Sendable {
  private(set) var volumes: [Volume?]
  /// Why a file could not be read, by position; nil where it was read or no path was given.
  private(set) var problems: [String?]
  private let lock = NSLock()

  init(_ paths: [String?]) {
    volumes = Array(repeating: nil, count: paths.count)
    problems = Array(repeating: nil, count: paths.count)
    DispatchQueue.concurrentPerform(iterations: paths.count) { index in
      guard let path = paths[index] else { return }
      let outcome = Result<Volume, any Error> { try ImageFile.read(at: path) }
      lock.withLock {
        switch outcome {
        case .success(let volume): volumes[index] = volume
        case .failure(let error): problems[index] = "\(error)"
        }
      }
    }
  }
}
