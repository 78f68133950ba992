import Foundation

/// Arguments that are not valid UTF-8.
///
/// Why: Swift decodes `argv` with replacement characters, so a file name with a Latin-1 byte became a name that does
/// not exist and the user read "no such file" about a file that is there. harmonize works with UTF-8 paths; such a
/// name is refused with what to do about it.
enum CommandLineBytes {
  /// The message for the first argument that is not valid UTF-8, or nil.
  static func invalidUTF8Argument() -> String? {
    for index in 1..<Int(CommandLine.argc) {
      guard let pointer = CommandLine.unsafeArgv[index] else { continue }
      let bytes = Array(
        UnsafeBufferPointer(
          start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
      if String(validating: bytes, as: UTF8.self) == nil {
        let shown = bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
        return
          "error: \(shown): the name is not valid UTF-8; harmonize reads UTF-8 paths: rename the file (e.g. with convmv)"
      }
    }
    return nil
  }
}
