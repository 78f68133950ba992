import CITK
import Foundation

/// The only place that calls CITK's DICOM functions (GDCM, each call in a child process): files' data elements as
/// text, their decoded stored pixel values, a multi-frame file's grid. Parsing, checking and assembling series is
/// `DicomSlice`'s and `DicomStack`'s.
enum DicomBridge {
  static let textCapacity = 16 * 1024
  static let messageCapacity = 512

  /// For each file: the text of each of `tags` ((group << 16) | element; "" when absent) and whether it has pixel
  /// data, or why it could not be parsed (`.unsupportedFormat` when it is not DICOM).
  static func tags(
    paths: [String], _ tags: [UInt32]
  ) -> Result<[Result<(values: [String], hasPixels: Bool), ImageFileError.Reason>], ImageFileError.Reason> {
    let count = paths.count
    var text = [CChar](repeating: 0, count: max(1, count * textCapacity))
    var flags = [Int32](repeating: 0, count: max(1, count))
    var statuses = [Int32](repeating: 0, count: max(1, count))
    var messages = [CChar](repeating: 0, count: max(1, count * messageCapacity))
    let outcome = withCStrings(paths) { list in
      tags.withUnsafeBufferPointer { tagList in
        CITKBridge.call { message, capacity in
          citk_dicom_tags(
            list, count, tagList.baseAddress, tagList.count, &text, textCapacity, &flags, &statuses, &messages,
            messageCapacity, message, capacity)
        }
      }
    }
    return outcome.map {
      (0..<count).map { i in
        if statuses[i] != 0 {
          return .failure(CITKBridge.reason(citk_status(UInt32(statuses[i])), string(messages, i * messageCapacity)))
        }
        let joined = string(text, i * textCapacity)
        var values = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        values += Array(repeating: "", count: max(0, tags.count - values.count))
        return .success((values, flags[i] != 0))
      }
    }
  }

  /// Decodes the stored pixel values of every frame of each file into `buffer + i · bytesEach`; per file, nil or why
  /// it failed.
  static func readPixels(
    paths: [String], into buffer: UnsafeMutableRawPointer, bytesEach: Int
  ) -> Result<[ImageFileError.Reason?], ImageFileError.Reason> {
    let count = paths.count
    var statuses = [Int32](repeating: 0, count: max(1, count))
    var messages = [CChar](repeating: 0, count: max(1, count * messageCapacity))
    let outcome = withCStrings(paths) { list in
      CITKBridge.call { message, capacity in
        citk_dicom_read_pixels(
          list, count, buffer, bytesEach, &statuses, &messages, messageCapacity, message, capacity)
      }
    }
    return outcome.map {
      (0..<count).map { i in
        statuses[i] == 0
          ? nil : CITKBridge.reason(citk_status(UInt32(statuses[i])), string(messages, i * messageCapacity))
      }
    }
  }

  /// The grid GDCM gives a multi-frame file (LPS mm).
  static func frameGeometry(path: String) -> Result<Geometry, ImageFileError.Reason> {
    var size = [UInt32](repeating: 0, count: 3)
    var spacing = [Double](repeating: 0, count: 3), origin = [Double](repeating: 0, count: 3)
    var direction = [Double](repeating: 0, count: 9)
    return CITKBridge.call { message, capacity in
      citk_dicom_frame_geometry(path, &size, &spacing, &origin, &direction, message, capacity)
    }.map { Geometry(size: size.map { Int($0) }, spacing: spacing, origin: origin, direction: direction) }
  }

  private static func string(_ buffer: [CChar], _ offset: Int) -> String {
    buffer[offset...].withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
