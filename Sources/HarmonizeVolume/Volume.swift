/// An image in memory: its geometry (LPS, mm), pixel type, components, and the pixels themselves.
///
/// Pixels are stored as SimpleITK states it: `buffer[c + components * (i + size[0] * (j + size[1] * k))]`,
/// axis 0 fastest, components interleaved. The buffer is copied on write when a `Volume` is shared.
public struct Volume: Sendable {
  /// Grid placement. The size is fixed at creation; origin, spacing and direction may change.
  public var geometry: Geometry {
    didSet { precondition(geometry.size == oldValue.size, "a volume's size cannot change") }
  }
  /// Type of one pixel component.
  public let pixelType: PixelType
  /// Components per voxel.
  public let components: Int
  private(set) var storage: PixelStorage

  /// Creates a zero-filled volume.
  /// - Throws: `VolumeError` when the geometry is invalid, the size overflows, or memory cannot be had.
  public init(geometry: Geometry, pixelType: PixelType, components: Int = 1) throws(VolumeError) {
    let header = ImageHeader(format: "", geometry: geometry, pixelType: pixelType, components: components)
    let bytes = try Volume.checkedByteCount(header)
    guard let storage = PixelStorage(byteCount: bytes, zeroed: true) else {
      throw VolumeError("cannot allocate \(formatBytes(bytes)) for a \(formatList(geometry.size)) \(pixelType) image")
    }
    self.init(geometry: geometry, pixelType: pixelType, components: components, storage: storage)
  }

  init(geometry: Geometry, pixelType: PixelType, components: Int, storage: PixelStorage) {
    self.geometry = geometry
    self.pixelType = pixelType
    self.components = components
    self.storage = storage
  }

  /// The byte count of a header's pixels after checking the geometry and components; throws when invalid
  /// or when the count overflows.
  static func checkedByteCount(_ header: ImageHeader) throws(VolumeError) -> Int {
    if let problem = header.geometry.problems.first { throw VolumeError(problem) }
    guard header.components >= 1 else { throw VolumeError("components must be at least 1, not \(header.components)") }
    guard let bytes = header.pixelByteCount else {
      throw VolumeError(
        "\(formatList(header.geometry.size)) voxels of \(header.components) × \(header.pixelType) overflow 64-bit byte counts"
      )
    }
    return bytes
  }

  /// Header describing this volume, with the given format name.
  public func header(format: String = "") -> ImageHeader {
    ImageHeader(format: format, geometry: geometry, pixelType: pixelType, components: components)
  }

  /// Number of voxels.
  public var voxelCount: Int { storage.byteCount / (pixelType.byteCount * components) }
  /// Number of stored values: voxels × components.
  public var valueCount: Int { storage.byteCount / pixelType.byteCount }
  /// Bytes of pixel memory.
  public var byteCount: Int { storage.byteCount }

  /// Calls `body` with the raw pixel bytes.
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeRawBufferPointer(start: storage.base, count: storage.byteCount))
  }

  /// Calls `body` with the raw pixel bytes for writing, copying them first if this buffer is shared.
  public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableRawBufferPointer(start: storage.base, count: storage.byteCount))
  }

  /// Calls `body` with the pixels typed as `T`, which must be this volume's pixel type.
  public func withUnsafeBufferPointer<T: StoredPixel, R>(
    as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
  ) rethrows -> R {
    precondition(T.pixelType == pixelType, "volume holds \(pixelType), not \(T.pixelType)")
    let typed = storage.base.assumingMemoryBound(to: T.self)
    return try body(UnsafeBufferPointer(start: typed, count: valueCount))
  }

  /// Calls `body` with the pixels typed as `T` for writing, copying them first if shared.
  public mutating func withUnsafeMutableBufferPointer<T: StoredPixel, R>(
    as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
  ) rethrows -> R {
    precondition(T.pixelType == pixelType, "volume holds \(pixelType), not \(T.pixelType)")
    makeUnique()
    let typed = storage.base.assumingMemoryBound(to: T.self)
    return try body(UnsafeMutableBufferPointer(start: typed, count: valueCount))
  }

  /// The stored value at position `index` of the buffer (components interleaved), as a Double.
  public func value(at index: Int) -> Double {
    precondition(index >= 0 && index < valueCount, "index \(index) outside 0..<\(valueCount)")
    return pixelType.value(in: UnsafeRawPointer(storage.base), at: index)
  }

  /// Stores `value` at position `index` of the buffer: exact for a value of the pixel type (a label read with
  /// `value(at:)`); others are converted as Swift converts (integers truncate, must be in range).
  public mutating func setValue(_ value: Double, at index: Int) {
    precondition(index >= 0 && index < valueCount, "index \(index) outside 0..<\(valueCount)")
    makeUnique()
    let p = storage.base
    switch pixelType {
    case .u8: p.storeBytes(of: UInt8(value), toByteOffset: index, as: UInt8.self)
    case .i8: p.storeBytes(of: Int8(value), toByteOffset: index, as: Int8.self)
    case .u16: p.storeBytes(of: UInt16(value), toByteOffset: index * 2, as: UInt16.self)
    case .i16: p.storeBytes(of: Int16(value), toByteOffset: index * 2, as: Int16.self)
    case .u32: p.storeBytes(of: UInt32(value), toByteOffset: index * 4, as: UInt32.self)
    case .i32: p.storeBytes(of: Int32(value), toByteOffset: index * 4, as: Int32.self)
    case .u64: p.storeBytes(of: UInt64(value), toByteOffset: index * 8, as: UInt64.self)
    case .i64: p.storeBytes(of: Int64(value), toByteOffset: index * 8, as: Int64.self)
    case .f32: p.storeBytes(of: Float(value), toByteOffset: index * 4, as: Float.self)
    case .f64: p.storeBytes(of: value, toByteOffset: index * 8, as: Double.self)
    }
  }

  private mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) {
      guard let copy = storage.copy() else {
        fatalError("out of memory copying a \(formatBytes(storage.byteCount)) volume")
      }
      storage = copy
    }
  }
}

/// Why a volume could not be created: an invalid geometry, a size that overflows, or memory refused.
public struct VolumeError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The rule that was broken and the offending value.
  public var description: String
  public init(_ description: String) { self.description = description }
}
