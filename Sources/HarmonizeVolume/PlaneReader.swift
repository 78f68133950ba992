import Foundation

/// Reads an image's pixels forward, a few planes of the slowest spatial axis (z) at a time, without ever holding the
/// whole image or its compressed file: what slab streaming reads its input with.
///
/// Only a single-file NIfTI-1 (`.nii`, or `.nii.gz` of one or many gzip members) of one component and no scaling can
/// be read this way; `open` returns nil for anything else, which is then read whole. A truncated or corrupt file is an
/// error naming it, at the plane where the damage is found or, for a wrong final CRC or trailing garbage, at `finish`.
public final class PlaneReader {
  public let path: String
  public let header: ImageHeader
  /// Bytes of one z-plane: x · y · component bytes.
  public let planeBytes: Int
  /// Planes along z (1 for a 2D image).
  public let planeCount: Int
  /// Planes read so far: the next `read` starts at this z.
  public private(set) var position = 0
  private let handle: OpaquePointer

  private init(path: String, header: ImageHeader, handle: OpaquePointer) {
    self.path = path
    self.header = header
    self.handle = handle
    planeBytes = header.planeByteCount
    planeCount = header.planeCount
  }

  deinit { NiftiBridge.close(handle) }

  /// Whether a file with this header and name could be read plane by plane (the stored type is checked by `open`).
  public static func mightStream(_ header: ImageHeader, path: String) -> Bool {
    return header.format == "NIfTI" && ImageFormat(path: path)?.streamsPixels == true && header.components == 1
      && (header.geometry.dimension <= 3 || header.geometry.size.dropFirst(3).allSatisfy { $0 == 1 })
  }

  /// Opens `path`, whose header `ImageFile.readHeader` gave, for reading plane by plane; nil when it must be read
  /// whole (another format, scaled values, a stored type ITK converts).
  /// - Throws: `ImageFileError` naming the path when it cannot be opened, its header changed, or it is truncated.
  public static func open(at path: String, header: ImageHeader) throws(ImageFileError) -> PlaneReader? {
    guard mightStream(header, path: path), let bytes = header.pixelByteCount else { return nil }
    if let short = OnDiskData.storedShortfall(
      headerPath: path, format: header.format, pixelBytes: bytes,
      values: bytes / header.pixelType.byteCount)
    {
      throw ImageFileError(
        path: path,
        reason: .corrupt(
          "truncated: the pixel data needs \(short.needed) bytes on disk but the file has \(short.actual)"))
    }
    let handle = try NiftiBridge.openReader(path: path, header: header).mapError {
      ImageFileError(path: path, reason: $0)
    }.get()
    return handle.map { PlaneReader(path: path, header: header, handle: $0) }
  }

  /// Reads the next `count` planes into the start of `buffer` (at least `count · planeBytes` bytes).
  public func read(planes count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ImageFileError) {
    precondition(
      count >= 0 && position + count <= planeCount && buffer.count >= count * planeBytes, "read past the planes")
    guard count > 0 else { return }
    try NiftiBridge.read(handle, into: buffer.baseAddress, bytes: count * planeBytes)
      .mapError { ImageFileError(path: path, reason: $0) }.get()
    position += count
  }

  /// Skips to plane `z` (forward only), reading and discarding the planes in between through `scratch`.
  public func skip(to z: Int, scratch: UnsafeMutableRawBufferPointer) throws(ImageFileError) {
    let perRead = max(1, scratch.count / max(planeBytes, 1))
    while position < z { try read(planes: min(perRead, z - position), into: scratch) }
  }

  /// Reads what is left and checks the end of the file: every gzip member's CRC and length, no more pixel data than
  /// the header declares, nothing after the last member. Call it before trusting anything computed from the planes.
  public func finish(scratch: UnsafeMutableRawBufferPointer) throws(ImageFileError) {
    try skip(to: planeCount, scratch: scratch)
    try NiftiBridge.finish(handle)
      .mapError { ImageFileError(path: path, reason: $0) }.get()
  }
}

extension PlaneReader {
  /// Whether `open` would read this file plane by plane (it reads the file's first bytes to tell).
  public static func canStream(at path: String, header: ImageHeader) -> Bool {
    guard mightStream(header, path: path) else { return false }
    return ((try? open(at: path, header: header)) ?? nil) != nil
  }
}
