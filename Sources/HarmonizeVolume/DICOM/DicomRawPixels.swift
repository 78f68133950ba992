import Foundation

/// The pixel data of an uncompressed little-endian DICOM file, found and copied without GDCM: GDCM spends about 2 ms
/// per file parsing and copying twice, and most CT and MR series are stored this way.
///
/// Every length is checked against the file before it is followed; sequences of undefined length are walked item by
/// item, at most 16 deep. Anything unexpected returns nil, and the file goes through GDCM as before: this path may
/// decline a file, never misread one.
enum DicomRawPixels {
  static let implicitLittle = "1.2.840.10008.1.2"
  static let explicitLittle = "1.2.840.10008.1.2.1"

  /// Whether `slice` qualifies: uncompressed little endian, one frame, one sample, 8, 16 or 32 bits.
  static func applies(to slice: DicomSlice) -> Bool {
    [implicitLittle, explicitLittle].contains(slice.transferSyntax) && slice.frames == 1
      && slice.samplesPerPixel == 1 && [8, 16, 32].contains(slice.bitsAllocated)
  }

  /// Copies `slice`'s stored values (exactly `bytes`) into `target`; false when the file is not as its header says.
  static func read(_ slice: DicomSlice, into target: UnsafeMutableRawPointer, bytes: Int) -> Bool {
    guard applies(to: slice) else { return false }
    let fd = open(slice.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
    let size = Int(info.st_size)
    guard size > 132, size <= bytes + (64 << 20) else { return false }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    var done = 0
    while done < size {
      let n = pread(fd, buffer.baseAddress! + done, size - done, off_t(done))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      done += n
    }
    guard var walker = Walker.pastMetaGroup(UnsafeRawBufferPointer(buffer)) else { return false }
    walker.explicit = slice.transferSyntax == explicitLittle
    while let (group, element) = walker.peekTag() {
      if group == 0x7FE0 && element == 0x0010 {
        guard let (start, length) = walker.elementValue(), length != Walker.undefined, length >= bytes,
          start + bytes <= size
        else { return false }
        target.copyMemory(from: buffer.baseAddress! + start, byteCount: bytes)
        return true
      }
      guard walker.skipElement(depth: 0) else { return false }
    }
    return false
  }

  /// A cursor over little-endian data elements.
  struct Walker {
    static let undefined = 0xFFFF_FFFF
    static let longVRs: Set<String> = ["OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UT", "UN", "UC", "UR", "SV", "UV"]
    let bytes: UnsafeRawBufferPointer
    var explicit: Bool
    var at = 0

    func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
    func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }

    func peekTag() -> (Int, Int)? { at + 8 <= bytes.count ? (u16(at), u16(at + 2)) : nil }

    /// A walker at the data set of a Part-10 file (past the preamble, "DICM" and the meta group, which is explicit VR
    /// little endian whatever the data set's syntax); `meta` gets each meta element's value range by element number.
    /// nil when the bytes are not Part 10 or the meta group does not walk.
    static func pastMetaGroup(_ bytes: UnsafeRawBufferPointer, meta: ((Int, Range<Int>) -> Void)? = nil) -> Walker? {
      guard bytes.count > 132, bytes[128..<132].elementsEqual("DICM".utf8) else { return nil }
      var walker = Walker(bytes: bytes, explicit: true, at: 132)
      while let (group, element) = walker.peekTag(), group == 0x0002 {
        guard let (start, length) = walker.elementValue(), length != undefined, start + length <= bytes.count else {
          return nil
        }
        meta?(element, start..<(start + length))
        walker.at = start + length
      }
      return walker
    }

    /// The value's start and length of the element at the cursor (the cursor moves past its header); nil when the
    /// header does not fit. Items and delimiters (group FFFE) have no VR.
    mutating func elementValue() -> (start: Int, length: Int)? {
      guard at + 8 <= bytes.count else { return nil }
      let group = u16(at)
      if explicit && group != 0xFFFE {
        let vr = String(decoding: [bytes[at + 4], bytes[at + 5]], as: UTF8.self)
        if Self.longVRs.contains(vr) {
          guard at + 12 <= bytes.count else { return nil }
          let length = u32(at + 8)
          at += 12
          return (at, length)
        }
        let length = u16(at + 6)
        at += 8
        return (at, length)
      }
      let length = u32(at + 4)
      at += 8
      return (at, length)
    }

    /// Moves past the element at the cursor, its value and, for an undefined length, its items up to the delimiter.
    mutating func skipElement(depth: Int) -> Bool {
      guard depth < 16, let (start, length) = elementValue() else { return false }
      if length != Self.undefined {
        guard start + length <= bytes.count else { return false }
        at = start + length
        return true
      }
      // A sequence (or an item) of undefined length: elements until a delimiter (FFFE,E0DD or FFFE,E00D).
      while let (group, element) = peekTag() {
        if group == 0xFFFE && (element == 0xE0DD || element == 0xE00D) {
          at += 8
          return true
        }
        guard skipElement(depth: depth + 1) else { return false }
      }
      return false
    }
  }
}
