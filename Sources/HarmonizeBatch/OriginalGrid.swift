import Foundation
import HarmonizeCheck
import HarmonizeResample
import HarmonizeVolume

/// Where `restore` finds a prediction's original grid: a sidecar file, a batch manifest, or the original image.
public enum OriginalGrid {
  /// A source of original grids.
  public enum Source: Sendable {
    /// One `.harmonize.json` sidecar (single-file form), or a folder of them (folder form).
    case sidecar(String)
    /// A batch manifest file, or an output folder holding `harmonize-manifest*.jsonl`.
    case manifest(String)
    /// The original image (single-file form), or a folder of originals (`CASE_0000` or `CASE` files).
    case original(String)
  }

  /// The original geometry (LPS mm) of the case a prediction file is named after (`CASE{ending}`, nnU-Net's
  /// prediction naming), or of the single original/sidecar given.
  /// - Throws: `ImageFileError` naming what could not be found or read.
  public static func geometry(forPrediction prediction: String, from source: Source) throws(ImageFileError) -> Geometry
  {
    try grids(forPrediction: prediction, from: source).original
  }

  /// The grids of a case: the original one to restore onto, and the resampled one the prediction must lie on (from
  /// a sidecar or a manifest; nil when only the original image is known). LPS mm.
  public struct Grids: Sendable {
    public var original: Geometry
    public var resampled: Geometry?
  }

  /// The grids of the case a prediction file is named after, or of the single original/sidecar given.
  /// - Throws: `ImageFileError` naming what could not be found or read: a missing manifest is said to be missing.
  public static func grids(forPrediction prediction: String, from source: Source) throws(ImageFileError) -> Grids {
    let name = PathText.name(prediction)
    let id = CaseScanner.ending(of: name).map { String(name.dropLast($0.count)) } ?? name
    switch source {
    case .sidecar(let path):
      if !isFolder(path) {
        let sidecar = try Sidecar.load(path)
        return Grids(original: sidecar.sourceGeometry, resampled: sidecar.outputGeometry)
      }
      let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
        $0.hasSuffix(Sidecar.suffix)
      }
      guard let match = best(names.map { String($0.dropLast(Sidecar.suffix.count)) }, id: id) else {
        throw ImageFileError(
          path: path,
          reason: .invalidArgument(
            "no sidecar for case \(id) (\(id)_0000.*\(Sidecar.suffix) or \(id).*\(Sidecar.suffix))"))
      }
      let sidecar = try Sidecar.load(PathText.join(path, match + Sidecar.suffix))
      return Grids(original: sidecar.sourceGeometry, resampled: sidecar.outputGeometry)
    case .manifest(let path):
      guard FileManager.default.fileExists(atPath: path) else { throw ImageFileError(path: path, reason: .notFound) }
      let folder = isFolder(path) ? path : PathText.parent(path)
      let all = Manifest.read(folder: folder)
      if all.isEmpty {
        throw ImageFileError(
          path: path,
          reason: .invalidArgument("no harmonize batch manifest (harmonize-manifest*.jsonl) with entries here"))
      }
      let entries = all.values.filter { $0.status == .done && $0.sourceGeometry != nil }
      let byName = Dictionary(
        entries.map { (PathText.name($0.output), $0) },
        uniquingKeysWith: { a, b in
          a.output.contains("imagesTs") ? a : b
        })
      guard let match = best(Array(byName.keys), id: id), let entry = byName[match], let geometry = entry.sourceGeometry
      else {
        throw ImageFileError(path: path, reason: .invalidArgument("no manifest entry for case \(id)"))
      }
      return Grids(original: geometry, resampled: entry.outputGeometry)
    case .original(let path):
      if !isFolder(path) { return Grids(original: try ImageFile.readHeader(at: path).geometry, resampled: nil) }
      let names = CaseScanner.imageFiles(in: path).map { PathText.name($0) }
      guard let match = best(names, id: id) else {
        throw ImageFileError(
          path: path, reason: .invalidArgument("no original for case \(id) (\(id)_0000.* or \(id).*)"))
      }
      return Grids(original: try ImageFile.readHeader(at: PathText.join(path, match)).geometry, resampled: nil)
    }
  }

  /// The name for case `id`: `id_0000.ext` (the first channel) before `id.ext`.
  static func best(_ names: [String], id: String) -> String? {
    func stem(_ n: String) -> String { CaseScanner.ending(of: n).map { String(n.dropLast($0.count)) } ?? n }
    return names.sorted().first { stem($0) == id + "_0000" } ?? names.sorted().first { stem($0) == id }
  }

  static func isFolder(_ path: String) -> Bool {
    var d: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
  }
}
