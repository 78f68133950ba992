import Foundation

/// Reading and writing image files: NIfTI (`.nii`, `.nii.gz`), NRRD (`.nrrd`, `.nhdr`), MetaImage (`.mha`, `.mhd`),
/// and whatever else ITK 5.2 reads (VTK, GIPL, PNG, TIFF, BMP, a DICOM file). A DICOM series is read wherever a
/// path names a folder or DICOMDIR (`DicomReference`: `FOLDER` or `FOLDER#SERIES`). Geometry is ITK's: LPS,
/// millimetres.
///
/// Policy lives here, not in CITK: headers are validated before anything is allocated, a header that claims
/// more pixel data than its file could hold is reported as corrupt, reads respect a memory limit, and writes
/// go to a temporary name in the destination folder and are renamed into place.
public enum ImageFile {
  /// Reads a file's header without its pixels.
  ///
  /// - Throws: `ImageFileError` naming the path: missing file, unsupported format, corrupt or implausible
  ///   header (sizes that overflow, more pixel data than the file could hold), invalid geometry
  ///   (spacing not finite and > 0, non-finite origin, singular direction).
  public static func readHeader(at path: String) throws(ImageFileError) -> ImageHeader {
    if let series = DicomReference(path: path) { return try DicomSeriesReader.header(series) }
    _ = try dataFiles(of: path)
    // Before ITK parses it: ITK 5.2 repairs, misreads or aborts on corrupt NIfTI-1 fields (CNifti's header check).
    let stored = try checkedNiftiTransforms(of: path)
    var (header, rawBytes) = try readITKHeader(at: path)
    let claim =
      "\(header.geometry.size.map(String.init).joined(separator: " × ")) voxels of \(header.components) × \(header.pixelType)"
    guard rawBytes != 0, let bytes = header.pixelByteCount, UInt64(bytes) == rawBytes else {
      throw ImageFileError(path: path, reason: .tooLarge("header claims \(claim), which overflows 64-bit byte counts"))
    }
    if niftiTransform != .itk, header.format == "NIfTI", let transforms = stored {
      do throws(ImageFileError.Reason) {
        header.geometry = try transforms.geometry(niftiTransform, like: header.geometry)
      } catch {
        throw ImageFileError(path: path, reason: error)
      }
    }
    let problems = header.geometry.problems
    if !problems.isEmpty {
      throw ImageFileError(path: path, reason: .invalidGeometry(problems.joined(separator: "; ")))
    }
    if let limit = OnDiskData.plausibleByteLimit(headerPath: path, format: header.format), bytes > limit.bytes {
      throw ImageFileError(
        path: path,
        reason: .corrupt(
          "header claims \(claim) (\(formatBytes(bytes))) but \(limit.file) holds only \(formatBytes(limit.onDisk)): corrupt header or truncated file"
        ))
    }
    return header
  }

  /// Which NIfTI-1 transform places the voxels of every NIfTI file this process reads: ITK's choice by default (as
  /// SimpleITK reads it), or the sform or qform as the user asks (`--nifti-transform`). A process-wide reading policy,
  /// set once at start-up by the command line.
  nonisolated(unsafe) public static var niftiTransform: NiftiTransform = .itk

  /// A NIfTI-1 file's qform and sform as stored; nil for other files.
  public static func niftiTransforms(of path: String) -> NiftiTransforms? {
    (try? checkedNiftiTransforms(of: path)) ?? nil
  }

  /// One line when a NIfTI-1 file's qform and sform disagree (`NiftiTransforms.warning`); nil otherwise.
  public static func transformWarning(for path: String, header: ImageHeader) -> String? {
    guard header.format == "NIfTI", let transforms = niftiTransforms(of: path) else { return nil }
    let itkGeometry =
      niftiTransform == .itk
      ? header.geometry : ((try? CITKBridge.readHeader(path: path).get().0.geometry) ?? header.geometry)
    return transforms.warning(itkGeometry: itkGeometry, reading: niftiTransform)
  }

  /// One line when a detached header (`.mhd`, `.nhdr`) names a data file outside its own folder (`../../x`, an
  /// absolute path elsewhere): it is read, but it is worth a look; `batch` refuses such files.
  public static func dataLocationWarning(for path: String) -> String? {
    guard let files = try? dataFiles(of: path) else { return nil }
    let folder = PathText.parent(path).isEmpty ? "." : PathText.parent(path)
    for file in files where file != path {
      if !PathText.isInside(file, folder: folder) {
        return "its data file '\(file)' lies outside the header's folder"
      }
    }
    return nil
  }

  /// What deserves a look in a file that was read: a NIfTI qform and sform that disagree, a data file outside the
  /// header's folder.
  public static func readWarnings(for path: String, header: ImageHeader) -> [String] {
    [transformWarning(for: path, header: header), dataLocationWarning(for: path)].compactMap { $0 }
  }

  /// The files that hold `path`'s pixels: the file itself, or the data files a detached MetaImage or NRRD header
  /// names (links followed), each checked to be a regular file.
  /// - Throws: `ImageFileError` for a missing or non-regular data file or an absurd dimension count.
  public static func dataFiles(of path: String) throws(ImageFileError) -> [String] {
    if let series = DicomReference(path: path) { return try DicomSeriesReader.stack(series).slices.map(\.path) }
    do { return try DetachedData.files(headerPath: path) } catch { throw ImageFileError(path: path, reason: error) }
  }

  /// Reads a whole image.
  ///
  /// - Parameter maxBytes: the most pixel memory this read may allocate; by default the machine's physical memory.
  /// - Throws: `ImageFileError` as `readHeader(at:)` does, `.tooLarge` above `maxBytes` or when memory is refused,
  ///   and `.corrupt` when the pixel data is truncated or unreadable.
  public static func read(at path: String, maxBytes: Int? = nil) throws(ImageFileError) -> Volume {
    let limit = maxBytes ?? Int(clamping: ProcessInfo.processInfo.physicalMemory)
    if let series = DicomReference(path: path) { return try DicomSeriesReader.read(series, maxBytes: limit) }
    let header = try readHeader(at: path)
    let bytes = header.pixelByteCount ?? Int.max
    guard bytes <= limit else {
      throw ImageFileError(
        path: path,
        reason: .tooLarge(
          "needs \(formatBytes(bytes)) of memory for its pixels, more than the limit of \(formatBytes(limit))"))
    }
    if let short = OnDiskData.storedShortfall(
      headerPath: path, format: header.format, pixelBytes: bytes, values: bytes / header.pixelType.byteCount)
    {
      throw ImageFileError(
        path: path,
        reason: .corrupt(
          "truncated: the pixel data needs \(short.needed) bytes on disk but the file has \(short.actual)"))
    }
    guard let storage = PixelStorage(byteCount: bytes, zeroed: false) else {
      throw ImageFileError(path: path, reason: .tooLarge("cannot allocate \(formatBytes(bytes)) for its pixels"))
    }
    let buffer = UnsafeMutableRawBufferPointer(start: storage.base, count: bytes)
    try storage.populatingAhead { () throws(ImageFileError) in try readPixels(at: path, header: header, into: buffer) }
    return Volume(
      geometry: header.geometry, pixelType: header.pixelType, components: header.components, storage: storage)
  }

  /// Writes a volume to `path`, in the format its name ends with, atomically: the file appears complete or
  /// not at all, and an existing file is replaced only once the new one is whole.
  ///
  /// - Throws: `ImageFileError` for an unsupported name, a missing or read-only folder, an invalid geometry,
  ///   or a failed write; no partial or temporary file is left behind.
  public static func write(
    _ volume: Volume, to path: String, options: WriteOptions = WriteOptions()
  ) throws(ImageFileError) {
    let problems = volume.geometry.problems
    if !problems.isEmpty {
      throw ImageFileError(
        path: path, reason: .invalidArgument("cannot write an image whose " + problems.joined(separator: "; ")))
    }
    try checkWritable(path)
    // Multi-component images go through ITK: NIfTI stores components as separate volumes (dim[5]), and ITK's
    // writer de-interleaves them.
    let format = ImageFormat(path: path)
    if format == .niftiGz && volume.components == 1 {
      let level = options.compressionLevel ?? NiftiGzipWriter.defaultLevel(volume.pixelType)
      guard (1...12).contains(level) else {
        throw ImageFileError(
          path: path, reason: .invalidArgument("compression level must be 1 to 12 for .nii.gz, not \(level)"))
      }
      try AtomicWrite.replacing(path, companions: options.companions) {
        (temporaryPath: String) throws(ImageFileError) in
        do throws(ImageFileError) {
          try NiftiGzipWriter.write(
            volume, to: temporaryPath, level: level,
            threads: options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        } catch {
          throw ImageFileError(path: path, reason: error.reason)
        }
        try WriteVerification.checkHeader(temporaryPath: temporaryPath, finalPath: path, header: volume.header())
      }
      return
    }
    if format == .nifti && volume.components == 1 && (options.compressionLevel ?? 0) == 0 {
      try AtomicWrite.replacing(path, companions: options.companions) {
        (temporaryPath: String) throws(ImageFileError) in
        do throws(ImageFileError) { try NiftiPlainWriter.write(volume, to: temporaryPath) } catch {
          throw ImageFileError(path: path, reason: error.reason)
        }
        try WriteVerification.checkHeader(temporaryPath: temporaryPath, finalPath: path, header: volume.header())
      }
      return
    }
    let level = options.compressionLevel ?? (format?.isGzipped == true ? -1 : 0)
    try AtomicWrite.replacing(path, companions: options.companions) { (temporaryPath: String) throws(ImageFileError) in
      try volume.withUnsafeBytes { bytes in
        CITKBridge.write(path: temporaryPath, header: volume.header(), bytes: bytes, compressionLevel: level)
      }.mapError { ImageFileError(path: path, reason: WriteVerification.withDiskFullHint($0, temporaryPath)) }.get()
      try WriteVerification.verify(temporaryPath: temporaryPath, finalPath: path, header: volume.header())
    }
  }
}

extension ImageFile {
  /// Checks, before any work is done, that `path` can be written: a registered writer handles its ending, its
  /// folder exists, is a folder and is writable, and if it exists it is a regular file that is none of `inputs`
  /// (nor their data files): the same file reached by another name, a link or a hard link counts (device and inode).
  /// - Throws: `ImageFileError` naming the path and which of these fails.
  public static func checkWritable(_ path: String, inputs: [String] = []) throws(ImageFileError) {
    guard CITKBridge.canWrite(path: path) else {
      throw ImageFileError(
        path: path,
        reason: .unsupportedFormat(
          "unsupported output file type: no writer for this name (use \(ImageFormat.writableEndingsText))"))
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
      throw ImageFileError(path: path, reason: .io("cannot write: folder '\(folder)' does not exist"))
    }
    guard isFolder.boolValue else {
      throw ImageFileError(path: path, reason: .io("cannot write: '\(folder)' is not a folder"))
    }
    guard access(folder, W_OK | X_OK) == 0 else {
      throw ImageFileError(path: path, reason: .io("cannot write: folder '\(folder)' is not writable"))
    }
    var existing = stat()
    guard stat(path, &existing) == 0 else {
      try checkNotAnInput(path, inputs: inputs)
      return
    }
    // The rename would replace a device node or FIFO (as root, /dev/null) with a regular file.
    guard (existing.st_mode & S_IFMT) == S_IFREG else {
      throw ImageFileError(
        path: path,
        reason: .invalidArgument("cannot write: it exists and is not a regular file (a folder, FIFO or device)"))
    }
    try checkNotAnInput(path, inputs: inputs)
  }

  /// Refuses an output any of whose files (a detached header's data file, the other half of a NIfTI pair) is one of
  /// `inputs` or their data files: the same file by device and inode, whatever its name.
  static func checkNotAnInput(_ path: String, inputs: [String]) throws(ImageFileError) {
    let outputs = ImageFormat(path: path)?.filesWritten(for: path) ?? [path]
    for output in outputs {
      var target = stat()
      guard stat(output, &target) == 0 else { continue }
      for input in inputs {
        let files = (try? dataFiles(of: input)) ?? [input]
        for file in Set(files + [input]) {
          var source = stat()
          if stat(file, &source) == 0 && source.st_dev == target.st_dev && source.st_ino == target.st_ino {
            let which = file == input ? "the input '\(input)'" : "'\(file)', a data file of the input '\(input)'"
            let how = output == path ? "the output is" : "writing it would replace '\(output)', which is"
            throw ImageFileError(
              path: path,
              reason: .invalidArgument(
                "\(how) \(which): harmonize never writes its inputs; choose another output"))
          }
        }
      }
    }
  }
}

/// How `ImageFile.write` encodes a file.
public struct WriteOptions: Sendable, Equatable {
  /// Deflate level where the format compresses: 1...12 for `.nii.gz` (libdeflate), 1...9 for NRRD and MetaImage;
  /// nil compresses only when the name says so (`.nii.gz`, at a level chosen by pixel type), as SimpleITK's
  /// `WriteImage` does by default.
  public var compressionLevel: Int?
  /// Threads compressing `.nii.gz`; nil uses every core.
  public var threads: Int?
  /// Small files that land beside the output with it or not at all, by suffix (`.harmonize.json`: a sidecar).
  public var companions: [String: Data]

  public init(compressionLevel: Int? = nil, threads: Int? = nil, companions: [String: Data] = [:]) {
    self.compressionLevel = compressionLevel
    self.threads = threads
    self.companions = companions
  }
}
