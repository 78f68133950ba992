import Foundation

/// Writes `.nii.gz` without ITK's single-threaded zlib writer: ITK 5.2 needs about 16 s for a 192 MB output that
/// ISA-L's igzip on two threads compresses in about half a second (reference/compression.md).
///
/// The header is ITK's own (`citk_nifti_header`: the same qform, sform and codes ITK writes). The file is a
/// multi-member gzip stream: the header in one member, then the pixels in independent 4 MiB members compressed in
/// parallel and written in order. gzip, Python's gzip, zlib, nibabel, SimpleITK and ITK read such files as one stream.
enum NiftiGzipWriter {
  static let chunkBytes = 4 << 20

  /// Default deflate level for a pixel type: level 1 (ISA-L igzip) for images, a few percent larger than zlib's 6 and
  /// many times faster; libdeflate level 6 for 1-byte types, where label maps compress far better at almost no cost.
  static func defaultLevel(_ type: PixelType) -> Int { type.byteCount == 1 ? 6 : 1 }

  static func write(_ volume: Volume, to path: String, level: Int, threads: Int) throws(ImageFileError) {
    let stream = try NiftiGzipStream(path: path, header: volume.header(), level: level, threads: threads)
    do {
      try volume.withUnsafeBytes { pixels in try stream.append(pixels) }
    } catch let error as ImageFileError {
      throw error
    } catch {
      throw ImageFileError(path: path, reason: .internal("\(error)"))
    }
    try stream.finish()
  }

  static func niftiHeader(_ header: ImageHeader, scratch: String, finalPath: String) throws(ImageFileError) -> [UInt8] {
    try CITKBridge.niftiHeader(header: header, scratchPath: scratch).mapError {
      ImageFileError(path: finalPath, reason: $0)
    }.get()
  }
}

/// A `.nii.gz` written as it is produced: the header as the first gzip member, then each appended run of pixel
/// bytes as members of at most 4 MiB deflated in parallel. Readers see one gzip stream of concatenated members.
final class NiftiGzipStream {
  private let path: String
  private let fd: Int32
  private let level: Int
  private let workers: Int
  private let bound: Int
  private let buffers: [UnsafeMutableRawPointer]
  private var sizes: [Int]
  private let expected: Int
  private(set) var written = 0

  init(path: String, header: ImageHeader, level: Int, threads: Int) throws(ImageFileError) {
    self.path = path
    self.level = level
    workers = max(1, threads)
    guard let expected = header.pixelByteCount else {
      throw ImageFileError(path: path, reason: .tooLarge("pixel bytes overflow"))
    }
    self.expected = expected
    let headerBytes = try NiftiGzipWriter.niftiHeader(header, scratch: path + ".header.nii", finalPath: path)
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
      throw ImageFileError(path: path, reason: .io("cannot create: \(String(cString: strerror(errno)))"))
    }
    let bound = NiftiBridge.gzipBound(NiftiGzipWriter.chunkBytes)
    self.bound = bound
    buffers = (0..<(max(1, threads) * 2)).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 16) }
    sizes = [Int](repeating: 0, count: workers * 2)
    let first = buffers[0]
    let member = headerBytes.withUnsafeBytes {
      NiftiBridge.gzipMember($0.baseAddress, $0.count, level: level, into: first, capacity: bound)
    }
    guard member > 0 else { throw ImageFileError(path: path, reason: .internal("deflate failed on the header")) }
    try emit(buffers[0], member)
  }

  deinit {
    close(fd)
    buffers.forEach { $0.deallocate() }
  }

  /// Compresses and writes the next pixel bytes.
  func append(_ pixels: UnsafeRawBufferPointer) throws(ImageFileError) {
    guard pixels.count > 0 else { return }
    guard written + pixels.count <= expected else {
      throw ImageFileError(path: path, reason: .internal("more pixel bytes than the header's \(expected)"))
    }
    let chunkBytes = NiftiGzipWriter.chunkBytes
    let total = pixels.count
    let chunks = (total + chunkBytes - 1) / chunkBytes
    let shared = SharedPointers(pixels: pixels.baseAddress!, buffers: buffers)
    let (level, bound, batch) = (level, bound, buffers.count)
    var first = 0
    while first < chunks {
      let count = min(batch, chunks - first)
      let batchStart = first
      sizes.withUnsafeMutableBufferPointer { sizesBuffer in
        let sizesShared = SharedSizes(pointer: sizesBuffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: count) { slot in
          let start = (batchStart + slot) * chunkBytes
          let length = min(chunkBytes, total - start)
          sizesShared.pointer[slot] = NiftiBridge.gzipMember(
            shared.pixels + start, length, level: level, into: shared.buffers[slot], capacity: bound)
        }
      }
      for slot in 0..<count {
        guard sizes[slot] > 0 else { throw ImageFileError(path: path, reason: .internal("deflate failed")) }
        try emit(buffers[slot], sizes[slot])
      }
      first += count
    }
    written += total
  }

  /// Checks that every pixel byte was written and flushes the file.
  func finish() throws(ImageFileError) {
    guard written == expected else {
      throw ImageFileError(path: path, reason: .internal("\(written) of \(expected) pixel bytes were produced"))
    }
    if fsync(fd) != 0 && errno != EINVAL {
      throw ImageFileError(path: path, reason: .io("flush failed: \(String(cString: strerror(errno)))"))
    }
  }

  private func emit(_ pointer: UnsafeRawPointer, _ count: Int) throws(ImageFileError) {
    var done = 0
    while done < count {
      let n = Glibc.write(fd, pointer + done, count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw ImageFileError(path: path, reason: .io("write failed: \(String(cString: strerror(errno)))"))
      }
      done += n
    }
  }
}

/// Pointers the compression threads read (pixels) and write (one buffer each); disjoint per thread.
private struct SharedPointers: @unchecked Sendable {
  let pixels: UnsafeRawPointer
  let buffers: [UnsafeMutableRawPointer]
}

private struct SharedSizes: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Int>
}
