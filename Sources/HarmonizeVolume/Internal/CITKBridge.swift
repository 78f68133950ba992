import CITK

/// The only place that sees CITK's C types (ITK's ImageIO): converts headers both ways, passes a message buffer, and
/// maps `citk_status` to `ImageFileError.Reason`. Every function returns a `Result`; callers add policy. The fast
/// single-file NIfTI-1 path is `NiftiBridge`'s (CNifti).
enum CITKBridge {
  static let messageCapacity = 1024

  static func readHeader(path: String) -> Result<(ImageHeader, byteCount: UInt64), ImageFileError.Reason> {
    var raw = citk_header()
    let outcome = call { message, capacity in citk_read_header(path, &raw, message, capacity) }
    return outcome.flatMap { convert(raw) }
  }

  /// Reads every pixel through ITK's ImageIO into `buffer` (exactly the header's pixel bytes).
  static func readPixels(
    path: String, header: ImageHeader, into buffer: UnsafeMutableRawBufferPointer
  ) -> Result<Void, ImageFileError.Reason> {
    var raw = makeRaw(header)
    return call { message, capacity in
      citk_read_pixels(path, &raw, buffer.baseAddress, buffer.count, message, capacity)
    }
  }

  static func write(
    path: String, header: ImageHeader, bytes: UnsafeRawBufferPointer, compressionLevel: Int
  ) -> Result<Void, ImageFileError.Reason> {
    var raw = makeRaw(header)
    return call { message, capacity in
      citk_write(path, &raw, bytes.baseAddress, bytes.count, Int32(compressionLevel), message, capacity)
    }
  }

  /// ITK's NIfTI-1 header for `header` (up to vox_offset), made through a one-voxel image at `scratchPath`.
  static func niftiHeader(header: ImageHeader, scratchPath: String) -> Result<[UInt8], ImageFileError.Reason> {
    var raw = makeRaw(header)
    var bytes = [UInt8](repeating: 0, count: 4096)
    var size = 0
    let outcome = bytes.withUnsafeMutableBytes { buffer in
      call { message, capacity in
        citk_nifti_header(&raw, scratchPath, buffer.baseAddress, buffer.count, &size, message, capacity)
      }
    }
    return outcome.map { Array(bytes.prefix(size)) }
  }

  /// Whether some registered writer handles a file with this name.
  static func canWrite(path: String) -> Bool { citk_can_write(path) != 0 }

  // MARK: - Conversion

  static func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> citk_status) -> Result<Void, ImageFileError.Reason> {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: messageCapacity) { buffer in
      buffer.initialize(repeating: 0)
      let status = body(buffer.baseAddress!, messageCapacity)
      let message = String(cString: buffer.baseAddress!)
      // What ITK and its libraries printed during the call (captured in CITK, never on the terminal).
      buffer.initialize(repeating: 0)
      if citk_diagnostics(buffer.baseAddress!, messageCapacity) > 0 {
        LibraryMessages.append(String(cString: buffer.baseAddress!))
      }
      return status == CITK_OK ? .success(()) : .failure(reason(status, message))
    }
  }

  static func reason(_ status: citk_status, _ message: String) -> ImageFileError.Reason {
    switch status {
    case CITK_ERR_NOT_FOUND: .notFound
    case CITK_ERR_UNSUPPORTED_FORMAT: .unsupportedFormat(message)
    case CITK_ERR_CORRUPT: .corrupt(message)
    case CITK_ERR_TOO_LARGE: .tooLarge(message)
    case CITK_ERR_IO: .io(message)
    case CITK_ERR_INVALID_ARGUMENT: .invalidArgument(message)
    default: .internal(message)
    }
  }

  static func pixelType(_ raw: citk_pixel_type) -> PixelType? {
    switch raw {
    case CITK_U8: .u8
    case CITK_I8: .i8
    case CITK_U16: .u16
    case CITK_I16: .i16
    case CITK_U32: .u32
    case CITK_I32: .i32
    case CITK_U64: .u64
    case CITK_I64: .i64
    case CITK_F32: .f32
    case CITK_F64: .f64
    default: nil
    }
  }

  static func rawPixelType(_ type: PixelType) -> citk_pixel_type {
    switch type {
    case .u8: CITK_U8
    case .i8: CITK_I8
    case .u16: CITK_U16
    case .i16: CITK_I16
    case .u32: CITK_U32
    case .i32: CITK_I32
    case .u64: CITK_U64
    case .i64: CITK_I64
    case .f32: CITK_F32
    case .f64: CITK_F64
    }
  }

  private static func convert(_ raw: citk_header) -> Result<(ImageHeader, byteCount: UInt64), ImageFileError.Reason> {
    let n = Int(raw.dimension)
    guard (2...Int(CITK_MAX_DIMENSION)).contains(n), let type = pixelType(raw.pixel_type) else {
      return .failure(.unsupportedFormat("header has \(n) axes or an unknown pixel type"))
    }
    let sizes = withUnsafeBytes(of: raw.size) { Array($0.bindMemory(to: UInt64.self).prefix(n)) }
    // A size above Int.max cannot be represented; such headers are reported as too large by the caller.
    guard sizes.allSatisfy({ $0 <= UInt64(Int.max) }) else {
      return .failure(
        .tooLarge(
          "header claims \(sizes.map(String.init).joined(separator: " × ")) voxels, more than 64 bits can count"))
    }
    let spacing = withUnsafeBytes(of: raw.spacing) { Array($0.bindMemory(to: Double.self).prefix(n)) }
    let origin = withUnsafeBytes(of: raw.origin) { Array($0.bindMemory(to: Double.self).prefix(n)) }
    let direction = withUnsafeBytes(of: raw.direction) { Array($0.bindMemory(to: Double.self).prefix(n * n)) }
    let format = withUnsafeBytes(of: raw.format) { bytes in
      String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
    let geometry = Geometry(size: sizes.map { Int($0) }, spacing: spacing, origin: origin, direction: direction)
    let header = ImageHeader(format: format, geometry: geometry, pixelType: type, components: Int(raw.components))
    return .success((header, raw.pixel_bytes))
  }

  static func makeRaw(_ header: ImageHeader) -> citk_header {
    var raw = citk_header()
    let g = header.geometry
    let n = g.dimension
    raw.dimension = UInt32(n)
    withUnsafeMutableBytes(of: &raw.size) { bytes in
      let p = bytes.bindMemory(to: UInt64.self)
      for axis in 0..<p.count { p[axis] = axis < n ? UInt64(g.size[axis]) : 1 }
    }
    withUnsafeMutableBytes(of: &raw.spacing) { bytes in
      let p = bytes.bindMemory(to: Double.self)
      for axis in 0..<p.count { p[axis] = axis < n ? g.spacing[axis] : 1 }
    }
    withUnsafeMutableBytes(of: &raw.origin) { bytes in
      let p = bytes.bindMemory(to: Double.self)
      for axis in 0..<p.count { p[axis] = axis < n ? g.origin[axis] : 0 }
    }
    withUnsafeMutableBytes(of: &raw.direction) { bytes in
      let p = bytes.bindMemory(to: Double.self)
      for index in 0..<(n * n) { p[index] = g.direction[index] }
    }
    raw.pixel_type = rawPixelType(header.pixelType)
    raw.components = UInt32(header.components)
    raw.pixel_bytes = UInt64(header.pixelByteCount ?? 0)
    return raw
  }
}
