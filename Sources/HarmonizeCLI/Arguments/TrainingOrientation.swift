import ArgumentParser
import Harmonize

/// The training set's dominant orientation, from a `harmonize fingerprint` file: the target of
/// `--orient like-training` and of `reorient --like FINGERPRINT.json`.
enum TrainingOrientation {
  /// The `--orient` value that asks for the training orientation.
  static let keyword = "like-training"

  /// The most common orientation code (RAS+ letters) of the fingerprint's training cases. A fingerprint that
  /// cannot be read, or records no orientation, prints one line and exits 2.
  static func code(fromFingerprint path: String) throws -> String {
    do {
      let fingerprint = try DatasetFingerprint.load(path)
      guard let code = fingerprint.dominantOrientation else {
        throw CheckReferenceError(path, "the fingerprint records no orientation")
      }
      return code
    } catch {
      throw ExitStatus.usage.reporting(error)
    }
  }

  /// True when a `--like` reference names a fingerprint rather than an image.
  static func isFingerprint(_ path: String) -> Bool { path.lowercased().hasSuffix(".json") }
}
