import CITK
import Foundation

/// Writes `.nii.gz` without ITK's single-threaded zlib writer: ITK 5.2 needs about 16 s for a 192 MB output that
/// libdeflate on two threads compresses in about one (reference/compression.md).
///
/// The header is ITK's own (`citk_nifti_header`: the same qform, sform and codes ITK writes). The file is a
/// multi-member gzip stream: the header in one member, then the pixels in independent 4 MiB members compressed in
/// parallel and written in order. gzip, Python's gzip, zlib, nibabel, SimpleITK and ITK read such files as one stream.
enum NiftiGzipWriter {
  static let chunkBytes = 4 << 20

  /// Default deflate level for a pixel type: libdeflate's level 1 for images (a few percent larger than zlib's 6,
  /// several times faster); level 6 for 1-byte types, where label maps compress far better at almost no cost.
  static func defaultLevel(_ type: PixelType) -> Int { type.byteCount == 1 ? 6 : 1 }

  static func write(_ volume: Volume, to path: String, level: Int, threads: Int) throws(ImageFileError) {
    let header = try niftiHeader(volume, scratch: path + ".header.nii", finalPath: path)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw ImageFileError(path: path, reason: .io("cannot create: \(String(cString: strerror(errno)))")) }
    defer { close(fd) }
    let workers = max(1, threads)
    let batch = workers * 2
    let bound = citk_gzip_bound(chunkBytes)
    let buffers = (0..<batch).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 16) }
    defer { buffers.forEach { $0.deallocate() } }
    var sizes = [Int](repeating: 0, count: batch)

    func emit(_ pointer: UnsafeRawPointer, _ count: Int) throws(ImageFileError) {
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

    let headerMember = header.withUnsafeBytes { citk_gzip_member($0.baseAddress, $0.count, Int32(level), buffers[0], bound) }
    guard headerMember > 0 else { throw ImageFileError(path: path, reason: .internal("deflate failed on the header")) }
    try emit(buffers[0], headerMember)

    let failure: ImageFileError? = volume.withUnsafeBytes { (pixels: UnsafeRawBufferPointer) -> ImageFileError? in
      let total = pixels.count
      let chunks = (total + chunkBytes - 1) / chunkBytes
      let shared = SharedPointers(pixels: pixels.baseAddress!, buffers: buffers)
      var first = 0
      while first < chunks {
        let count = min(batch, chunks - first)
        let batchStart = first
        sizes.withUnsafeMutableBufferPointer { sizesBuffer in
          let sizesShared = SharedSizes(pointer: sizesBuffer.baseAddress!)
          DispatchQueue.concurrentPerform(iterations: count) { slot in
            let start = (batchStart + slot) * chunkBytes
            let length = min(chunkBytes, total - start)
            sizesShared.pointer[slot] = citk_gzip_member(shared.pixels + start, length, Int32(level), shared.buffers[slot], bound)
          }
        }
        for slot in 0..<count {
          guard sizes[slot] > 0 else { return ImageFileError(path: path, reason: .internal("deflate failed")) }
          do {
            try emit(buffers[slot], sizes[slot])
          } catch {
            return error as? ImageFileError ?? ImageFileError(path: path, reason: .io("\(error)"))
          }
        }
        first += count
      }
      return nil
    }
    if let failure { throw failure }
  }

  /// ITK's header bytes for this volume, up to vox_offset.
  private static func niftiHeader(_ volume: Volume, scratch: String, finalPath: String) throws(ImageFileError) -> [UInt8] {
    try CITKBridge.niftiHeader(header: volume.header(), scratchPath: scratch).mapError { ImageFileError(path: finalPath, reason: $0) }.get()
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
