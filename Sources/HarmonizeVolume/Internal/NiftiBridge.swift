import CNifti

/// The only place that sees CNifti's C types: Harmonize's own single-file NIfTI-1 path (header check before ITK,
/// qform and sform, one forward reader for whole and slab reads, the stream check after an ITK read, gzip members).
/// Every function returns a `Result` or a plain value; callers add policy.
enum NiftiBridge {
  static let messageCapacity = 1024

  /// Checks a NIfTI-1 header in one open before ITK parses it; the file's qform and sform when it is NIfTI-1, nil
  /// when it is not NIfTI-1 at all (NIfTI-2, ANALYZE, another format: ITK decides).
  static func inspect(path: String) -> Result<NiftiTransforms?, ImageFileError.Reason> {
    var isNifti1: Int32 = 0
    var raw = cnifti_transforms()
    return call { message, capacity in cnifti_inspect(path, &isNifti1, &raw, message, capacity) }.map {
      isNifti1 != 0 ? transforms(raw) : nil
    }
  }

  /// A forward reader of a single-file NIfTI-1's pixel bytes; nil when the file needs ITK's conversions.
  static func openReader(path: String, header: ImageHeader) -> Result<OpaquePointer?, ImageFileError.Reason> {
    var layout = cnifti_layout()
    let g = header.geometry
    layout.dimension = UInt32(g.dimension)
    withUnsafeMutableBytes(of: &layout.size) { bytes in
      let p = bytes.bindMemory(to: UInt64.self)
      for axis in 0..<p.count { p[axis] = axis < g.dimension ? UInt64(g.size[axis]) : 1 }
    }
    layout.pixel_type = cnifti_pixel_type(rawValue: CITKBridge.rawPixelType(header.pixelType).rawValue)
    layout.components = UInt32(header.components)
    var handle: OpaquePointer?
    return call { message, capacity in cnifti_reader_open(path, &layout, &handle, message, capacity) }.map { handle }
  }

  static func read(
    _ handle: OpaquePointer, into buffer: UnsafeMutableRawPointer?, bytes: Int
  ) -> Result<Void, ImageFileError.Reason> {
    call { message, capacity in cnifti_reader_read(handle, buffer, bytes, message, capacity) }
  }

  static func finish(_ handle: OpaquePointer) -> Result<Void, ImageFileError.Reason> {
    call { message, capacity in cnifti_reader_finish(handle, message, capacity) }
  }

  static func close(_ handle: OpaquePointer) { cnifti_reader_close(handle) }

  /// After ITK has read a single-file NIfTI-1: its stream is whole and holds all the pixel data its header declares.
  static func verifyStream(path: String) -> Result<Void, ImageFileError.Reason> {
    call { message, capacity in cnifti_verify_stream(path, message, capacity) }
  }

  /// Whether this thread's upper vector register halves are in use: nil where the CPU cannot say. For tests: every
  /// CNifti call leaves them clean (ISA-L does not, and SSE code after it ran 2.3x slower).
  static func upperVectorStateInUse() -> Bool? {
    let state = cnifti_upper_vector_state_in_use()
    return state < 0 ? nil : state == 1
  }

  /// Largest gzip member `gzipMember` can produce from `bytes` bytes.
  static func gzipBound(_ bytes: Int) -> Int { cnifti_gzip_bound(bytes) }

  /// One complete gzip member of `input` at `level` into `output`; 0 when `output` is too small or the level invalid.
  /// Thread-safe.
  static func gzipMember(
    _ input: UnsafeRawPointer?, _ count: Int, level: Int, into output: UnsafeMutableRawPointer, capacity: Int
  ) -> Int {
    cnifti_gzip_member(input, count, Int32(level), output, capacity)
  }

  // MARK: - Conversion

  private static func transforms(_ raw: cnifti_transforms) -> NiftiTransforms {
    func rows(
      _ tuple: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double)
    ) -> [[Double]] {
      let flat = withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Double.self)) }
      return [Array(flat[0..<4]), Array(flat[4..<8]), Array(flat[8..<12])]
    }
    return NiftiTransforms(
      qformCode: Int(raw.qform_code), sformCode: Int(raw.sform_code),
      qform: raw.qform_code > 0 ? rows(raw.qform) : nil, sform: raw.sform_code > 0 ? rows(raw.sform) : nil)
  }

  private static func call(
    _ body: (UnsafeMutablePointer<CChar>, Int) -> cnifti_status
  ) -> Result<Void, ImageFileError.Reason> {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: messageCapacity) { buffer in
      buffer.initialize(repeating: 0)
      let status = body(buffer.baseAddress!, messageCapacity)
      let message = String(cString: buffer.baseAddress!)
      switch status {
      case CNIFTI_OK: return .success(())
      case CNIFTI_ERR_NOT_FOUND: return .failure(.notFound)
      case CNIFTI_ERR_UNSUPPORTED_FORMAT: return .failure(.unsupportedFormat(message))
      case CNIFTI_ERR_CORRUPT: return .failure(.corrupt(message))
      case CNIFTI_ERR_TOO_LARGE: return .failure(.tooLarge(message))
      case CNIFTI_ERR_IO: return .failure(.io(message))
      case CNIFTI_ERR_INVALID_ARGUMENT: return .failure(.invalidArgument(message))
      default: return .failure(.internal(message))
      }
    }
  }
}
