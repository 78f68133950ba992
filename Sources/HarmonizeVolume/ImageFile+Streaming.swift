import Foundation

extension ImageFile {
  /// Whether `writeStreaming` can write this header to this path: a single-component `.nii.gz`.
  public static func canStream(_ header: ImageHeader, to path: String) -> Bool {
    ImageFormat(path: path) == .niftiGz && header.components == 1 && header.geometry.problems.isEmpty
  }

  /// Writes a `.nii.gz` whose pixels arrive in order, never holding the whole image: `produce` calls `append`
  /// with consecutive runs of pixel bytes (whole planes of the slowest axis, say) until the image is complete.
  /// The same rules as `write`: a temporary file renamed into place, nothing left behind on failure; an image
  /// whose pixel bytes do not add up to the header's is an error.
  /// - Throws: `ImageFileError` for the file, or whatever `produce` throws.
  public static func writeStreaming(
    header: ImageHeader, to path: String, options: WriteOptions = WriteOptions(),
    produce: (_ append: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    guard canStream(header, to: path) else {
      throw ImageFileError(
        path: path, reason: .invalidArgument("streamed writes are for single-component .nii.gz images"))
    }
    try checkWritable(path)
    let level = options.compressionLevel ?? NiftiGzipWriter.defaultLevel(header.pixelType)
    guard (1...12).contains(level) else {
      throw ImageFileError(
        path: path, reason: .invalidArgument("compression level must be 1 to 12 for .nii.gz, not \(level)"))
    }
    var producerError: Error?
    do {
      try AtomicWrite.replacing(path, companions: options.companions) {
        (temporaryPath: String) throws(ImageFileError) in
        let stream = try NiftiGzipStream(
          path: temporaryPath, header: header, level: level,
          threads: options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        do {
          // Errors of the output name the destination; errors of the producer (a corrupt input) pass through as they are.
          try produce { bytes in
            do throws(ImageFileError) { try stream.append(bytes) } catch {
              throw ImageFileError(path: path, reason: error.reason)
            }
          }
        } catch {
          producerError = error
          throw ImageFileError(path: path, reason: .internal("stopped"))
        }
        try stream.finish()
        try WriteVerification.checkHeader(temporaryPath: temporaryPath, finalPath: path, header: header)
      }
    } catch {
      throw producerError ?? error
    }
  }
}
