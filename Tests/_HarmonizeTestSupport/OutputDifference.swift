import Foundation
import HarmonizeVolume

/// Why two output files that should be byte-identical are not: where the bytes part, whether the decoded headers and
/// voxels differ, and (when a command to remake the first is given) whether making it again gives the same bytes.
/// A failure that appeared once under a full parallel run then explains itself instead of needing a reproduction.
public enum OutputDifference {
  /// nil when the two files hold the same image (grid within 1e-4, pixel type, every voxel); otherwise why not.
  public static func sameImage(_ first: String, _ second: String) -> String? {
    do {
      let x = try ImageFile.read(at: first), y = try ImageFile.read(at: second)
      if let difference = x.geometry.difference(from: y.geometry) { return "grids differ: \(difference)" }
      if x.pixelType != y.pixelType || x.valueCount != y.valueCount { return "pixel types or sizes differ" }
      let differing = (0..<x.valueCount).filter { x.value(at: $0) != y.value(at: $0) }.count
      return differing == 0 ? nil : "\(differing) of \(x.valueCount) voxels differ"
    } catch {
      return "cannot read: \(error)"
    }
  }

  /// nil when the files hold the same bytes; otherwise one line describing the difference.
  public static func explain(_ first: String, _ second: String, remake: (() throws -> Void)? = nil) -> String? {
    guard let a = try? Data(contentsOf: URL(fileURLWithPath: first)),
      let b = try? Data(contentsOf: URL(fileURLWithPath: second))
    else { return "cannot read \(first) or \(second)" }
    guard a != b else { return nil }
    let offset = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    var parts = ["\(a.count) vs \(b.count) bytes, first difference at byte \(offset)"]
    do {
      let x = try ImageFile.read(at: first), y = try ImageFile.read(at: second)
      parts.append("geometry " + (x.geometry.difference(from: y.geometry) ?? "same"))
      parts.append("pixel types \(x.pixelType) and \(y.pixelType)")
      if x.valueCount == y.valueCount {
        let differing = (0..<x.valueCount).filter { x.value(at: $0) != y.value(at: $0) }
        let largest = differing.map { abs(x.value(at: $0) - y.value(at: $0)) }.max() ?? 0
        parts.append(
          "\(differing.count) of \(x.valueCount) voxels differ (largest \(largest), first at \(differing.first ?? -1))")
      } else {
        parts.append("\(x.valueCount) vs \(y.valueCount) values")
      }
    } catch {
      parts.append("decoding failed: \(error)")
    }
    if first.hasSuffix(".nii.gz"), let x = niftiHeader(first), let y = niftiHeader(second), x != y {
      // Which header fields differ (offsets into the 352 bytes: 40 dim, 76 pixdim, 108 vox_offset, 252 qform_code,
      // 256 quatern, 280 srow, ...), with both values: a header difference shows in the deflate stream's first bytes.
      let offsets = zip(x, y).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
      parts.append(
        "header bytes differ at \(offsets.prefix(12).map(String.init).joined(separator: ",")): "
          + offsets.prefix(12).map { "\(x[$0])/\(y[$0])" }.joined(separator: " "))
    } else if first.hasSuffix(".nii.gz") {
      parts.append("NIfTI headers identical (the compressed stream differs)")
    }
    if let remake {
      let before = a
      do {
        try remake()
        let again = try Data(contentsOf: URL(fileURLWithPath: first))
        parts.append(
          again == before ? "remaking the first gives the same bytes" : "remaking the first gives other bytes")
      } catch {
        parts.append("remaking the first failed: \(error)")
      }
    }
    return parts.joined(separator: "; ")
  }

  /// The first 352 bytes of a .nii.gz, decompressed by gzip.
  static func niftiHeader(_ path: String) -> [UInt8]? {
    guard let result = try? run("/bin/sh", ["-c", "gzip -dc \"$0\" | head -c 352 | od -An -tu1 -v", path]),
      result.status == 0
    else { return nil }
    let bytes = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0) }
    return bytes.count == 352 ? bytes : nil
  }
}
