import Foundation

/// 8-bit RGB pictures written through ITK's PNG ImageIO (QC slices, thumbnails), with the temporary-file-and-rename
/// rule of every other output.
public enum PNGFile {
  /// Writes `rgb` (`width * height * 3` bytes, rows top to bottom, red-green-blue interleaved) to `path`.
  /// - Throws: `ImageFileError` naming `path` when the sizes disagree or the write fails.
  public static func write(rgb: [UInt8], width: Int, height: Int, to path: String) throws(ImageFileError) {
    guard width > 0, height > 0, width <= 65_535, height <= 65_535, rgb.count == width * height * 3 else {
      throw ImageFileError(
        path: path, reason: .io("a \(width) x \(height) picture needs \(width * height * 3) bytes, not \(rgb.count)"))
    }
    let header = ImageHeader(
      format: "PNG", geometry: Geometry(size: [width, height], spacing: [1, 1]), pixelType: .u8, components: 3)
    try AtomicWrite.replacing(path) { (temporary: String) throws(ImageFileError) in
      let result = rgb.withUnsafeBytes { bytes in
        CITKBridge.write(path: temporary, header: header, bytes: bytes, compressionLevel: 1)
      }
      if case .failure(let reason) = result { throw ImageFileError(path: path, reason: reason) }
    }
  }
}
