import Foundation
import HarmonizeVolume

/// The record of one resample: where the output came from (the source's full original geometry and pixel type)
/// and exactly how it was made, so that `restore` can map a prediction back onto the original grid.
///
/// `harmonize resample` writes it next to the output as `OUTPUT.harmonize.json` (a single-file command has no other
/// place); `harmonize batch` puts the same record in each manifest line instead, so that dataset folders hold
/// only images (nnU-Net's 3D TIFF reader reads `CASE.json` sidecars of its own, and tools that glob a folder should
/// not trip over ours). Format `harmonize.sidecar`, version 1. Geometry is ITK's: LPS millimetres.
public struct Sidecar: Codable, Sendable, Equatable {
  public static let formatName = "harmonize.sidecar"
  public static let currentVersion = 1
  /// The suffix added to an output's path for its sidecar.
  public static let suffix = ".harmonize.json"

  public var format: String
  public var version: Int
  /// "harmonize 0.1.0".
  public var tool: String
  /// The source file as given.
  public var source: String
  public var sourceGeometry: Geometry
  public var sourcePixelType: PixelType
  public var sourceComponents: Int
  /// The output's geometry.
  public var outputGeometry: Geometry
  /// The resampling parameters: target, grid, interpolation, caps, orientation, output type, default value.
  public var parameters: [String: String]

  public init(
    tool: String, source: String, sourceHeader: ImageHeader, outputGeometry: Geometry, parameters: [String: String]
  ) {
    format = Sidecar.formatName
    version = Sidecar.currentVersion
    self.tool = tool
    self.source = source
    sourceGeometry = sourceHeader.geometry
    sourcePixelType = sourceHeader.pixelType
    sourceComponents = sourceHeader.components
    self.outputGeometry = outputGeometry
    self.parameters = parameters
  }

  /// The parameters of a request, as text.
  public static func parameters(_ request: ResampleRequest, orientation: String?) -> [String: String] {
    var p: [String: String] = [
      "interpolation": request.interpolation.rawValue, "grid": request.grid.rawValue,
      "defaultValue": formatNumber(request.defaultValue),
    ]
    switch request.target {
    case .spacing(let s): p["spacing"] = s.map(formatNumber).joined(separator: ",")
    case .like: p["target"] = "like"
    }
    if let m = request.maxSize { p["maxSize"] = m.map(String.init).joined(separator: ",") }
    if let v = request.maxVoxels { p["maxVoxels"] = String(v) }
    if let orientation { p["orient"] = orientation }
    if let t = request.outputType { p["outputType"] = t.rawValue }
    if request.sitkCompatible { p["sitkCompatible"] = "true" }
    return p
  }

  /// Reads a sidecar.
  /// - Throws: `ImageFileError` naming the file for a missing, malformed or newer-version sidecar.
  public static func load(_ path: String) throws(ImageFileError) -> Sidecar {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ImageFileError(path: path, reason: .notFound)
    }
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
      object["format"] as? String == formatName
    else {
      throw ImageFileError(path: path, reason: .corrupt("not a harmonize sidecar (format is not \"\(formatName)\")"))
    }
    if let v = object["version"] as? Int, v > currentVersion {
      throw ImageFileError(
        path: path, reason: .corrupt("sidecar version \(v) is newer than this harmonize reads (\(currentVersion))"))
    }
    do { return try JSONDecoder().decode(Sidecar.self, from: data) } catch {
      throw ImageFileError(path: path, reason: .corrupt("malformed sidecar: \(describe(error))"))
    }
  }

  /// The sidecar as pretty-printed JSON with sorted keys.
  public func jsonData() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? encoder.encode(self)) ?? Data()
  }

  /// Writes the sidecar atomically.
  public func write(to path: String) throws(ImageFileError) {
    try AtomicFile.write(jsonData(), to: path)
  }
}
