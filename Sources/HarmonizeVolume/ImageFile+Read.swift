/// Who reads what: a single-file NIfTI-1 goes through CNifti (`NiftiBridge`: its header checked before ITK sees it,
/// plain pixels inflated straight into the buffer, every stream checked to its end), everything else and every NIfTI
/// that needs conversions through ITK (`CITKBridge`).
extension ImageFile {
  /// The qform and sform of a NIfTI-1 file after its header passed CNifti's checks; nil for other files.
  /// - Throws: `ImageFileError` naming the field when the NIfTI-1 header is corrupt.
  static func checkedNiftiTransforms(of path: String) throws(ImageFileError) -> NiftiTransforms? {
    guard let format = ImageFormat(path: path), format.family == "NIfTI" else { return nil }
    return try NiftiBridge.inspect(path: format.headerFile(for: path)).mapError {
      ImageFileError(path: path, reason: $0)
    }.get()
  }

  /// ITK's reading of the header; when ITK cannot make sense of a single-file NIfTI, the stream check says why when
  /// it can (a small gzip file whose CRC is wrong fails ITK's recognition already).
  static func readITKHeader(at path: String) throws(ImageFileError) -> (ImageHeader, byteCount: UInt64) {
    switch CITKBridge.readHeader(path: path) {
    case .success(let result): return result
    case .failure(let reason):
      if case .corrupt = reason, ImageFormat(path: path)?.streamsPixels == true,
        case .failure(let streamReason) = NiftiBridge.verifyStream(path: path)
      {
        throw ImageFileError(path: path, reason: streamReason)
      }
      throw ImageFileError(path: path, reason: reason)
    }
  }

  /// Reads every pixel of `path` (whose header `readHeader` gave) into `buffer`: in one forward pass through CNifti
  /// when the file is a plain single-file NIfTI-1, otherwise through ITK, after which a NIfTI's stream is checked.
  static func readPixels(
    at path: String, header: ImageHeader, into buffer: UnsafeMutableRawBufferPointer
  ) throws(ImageFileError) {
    let single = header.format == "NIfTI" && ImageFormat(path: path)?.streamsPixels == true
    if single,
      let handle = try NiftiBridge.openReader(path: path, header: header).mapError({
        ImageFileError(path: path, reason: $0)
      }).get()
    {
      defer { NiftiBridge.close(handle) }
      try NiftiBridge.read(handle, into: buffer.baseAddress, bytes: buffer.count)
        .flatMap { NiftiBridge.finish(handle) }
        .mapError { ImageFileError(path: path, reason: $0) }.get()
      return
    }
    try CITKBridge.readPixels(path: path, header: header, into: buffer).mapError {
      ImageFileError(path: path, reason: $0)
    }.get()
    if single {
      // ITK converted the pixels (scaling, vector intent); ITK 5.2 fills a short stream's missing voxels with zeros.
      try NiftiBridge.verifyStream(path: path).mapError { ImageFileError(path: path, reason: $0) }.get()
    }
  }
}
