import Foundation

/// What one DICOM file says about its image, read up to its pixel data and checked: every number is finite and in
/// range before anything uses it. Positions and directions are DICOM's patient coordinates, which are ITK's LPS, in
/// millimetres.
public struct DicomSlice: Sendable, Hashable {
  public var path: String
  public var transferSyntax = ""
  public var sopClass = ""
  public var modality = ""
  public var seriesDescription = ""
  public var patientID = ""
  public var studyUID = ""
  public var seriesUID = ""
  /// ImageType's values, upper case ("ORIGINAL", "PRIMARY", "AXIAL", "LOCALIZER", ...).
  public var imageType: [String] = []
  public var seriesNumber: Int?
  public var acquisitionNumber: Int?
  public var instanceNumber: Int?
  public var echoNumber: Int?
  /// ImagePositionPatient: LPS mm of the centre of the first transmitted voxel.
  public var position: [Double]?
  /// ImageOrientationPatient: the LPS unit vectors along a row (x, columns increase) and down a column (y).
  public var orientation: [Double]?
  /// PixelSpacing as DICOM orders it: between rows (y), then between columns (x), mm.
  public var pixelSpacing: [Double]?
  public var sliceThickness: Double?
  public var spacingBetweenSlices: Double?
  /// GantryDetectorTilt, degrees (0018,1120), as stored.
  public var gantryTilt: Double?
  public var rows = 0
  public var columns = 0
  public var frames = 1
  public var samplesPerPixel = 1
  public var bitsAllocated = 0
  public var bitsStored = 0
  /// 0 unsigned, 1 two's complement.
  public var pixelRepresentation = 0
  public var photometric = ""
  public var slope = 1.0
  public var intercept = 0.0
  public var hasPixels = false

  /// A scout or localizer image, by its ImageType.
  public var isLocalizer: Bool { imageType.contains("LOCALIZER") }

  /// Bytes of the decoded stored values of all its frames.
  var storedByteCount: Int { rows * columns * samplesPerPixel * frames * (bitsAllocated / 8) }

  /// The data elements read, in this order.
  static let tags: [UInt32] = [
    0x0002_0010, 0x0008_0016, 0x0008_0060, 0x0008_103E, 0x0010_0020, 0x0020_000D, 0x0020_000E, 0x0008_0008,
    0x0020_0011, 0x0020_0012, 0x0020_0013, 0x0018_0086, 0x0020_0032, 0x0020_0037, 0x0028_0030, 0x0018_0050,
    0x0018_0088, 0x0018_1120, 0x0028_0010, 0x0028_0011, 0x0028_0008, 0x0028_0002, 0x0028_0100, 0x0028_0101,
    0x0028_0103, 0x0028_0004, 0x0028_1053, 0x0028_1052,
  ]

  /// SOP classes that hold no image: DICOMDIR (Media Storage Directory), structured reports, presentation states,
  /// RT structure sets and plans, raw data.
  static let nonImageClassPrefixes = [
    "1.2.840.10008.1.3.10", "1.2.840.10008.5.1.4.1.1.88.", "1.2.840.10008.5.1.4.1.1.11.",
    "1.2.840.10008.5.1.4.1.1.481.3", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.66",
  ]

  /// Whether a file starts as a DICOM Part-10 file does: a 128-byte preamble, then "DICM".
  static func hasPart10Prefix(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    guard let bytes = try? handle.read(upToCount: 132), bytes.count == 132 else { return false }
    return bytes.suffix(4).elementsEqual("DICM".utf8)
  }

  /// MediaStorageSOPClassUID (0002,0002) from a Part-10 file's meta group, read here so that a DICOMDIR never
  /// reaches GDCM (which aborts on some); nil when the group cannot be walked.
  static func mediaStorageClass(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let data = try? handle.read(upToCount: 132 + 8192) else { return nil }
    return data.withUnsafeBytes { bytes in
      var found: String?
      _ = DicomRawPixels.Walker.pastMetaGroup(bytes) { element, range in
        if element == 2 {
          found = String(decoding: bytes[range], as: UTF8.self).trimmingCharacters(
            in: CharacterSet(charactersIn: " \0"))
        }
      }
      return found
    }
  }

  /// The slice of each DICOM image file; nil for a file that is not DICOM Part 10 or holds no image (a DICOMDIR, a
  /// report); an error, naming the file and the element, for an image whose header cannot be trusted or that the
  /// DICOM library could not parse.
  public static func read(_ paths: [String]) -> [Result<DicomSlice?, ImageFileError>] {
    var results = [Result<DicomSlice?, ImageFileError>](repeating: .success(nil), count: paths.count)
    let candidates = paths.indices.filter {
      hasPart10Prefix(paths[$0]) && !(mediaStorageClass(paths[$0]) ?? "").hasPrefix("1.2.840.10008.1.3.10")
    }
    for start in stride(from: 0, to: candidates.count, by: 256) {
      let chunk = Array(candidates[start..<min(start + 256, candidates.count)])
      switch DicomBridge.tags(paths: chunk.map { paths[$0] }, tags) {
      case .failure(let reason):
        for index in chunk { results[index] = .failure(ImageFileError(path: paths[index], reason: reason)) }
      case .success(let outcomes):
        for (index, outcome) in zip(chunk, outcomes) {
          results[index] = Result { () throws(ImageFileError) in try slice(paths[index], outcome) }
        }
      }
    }
    return results
  }

  private static func slice(
    _ path: String, _ outcome: Result<(values: [String], hasPixels: Bool), ImageFileError.Reason>
  ) throws(ImageFileError) -> DicomSlice? {
    let (values, hasPixels): ([String], Bool)
    switch outcome {
    case .success(let result): (values, hasPixels) = result
    case .failure(.unsupportedFormat): return nil
    case .failure(let reason): throw ImageFileError(path: path, reason: reason)
    }
    var slice = DicomSlice(path: path)
    slice.transferSyntax = values[0]
    slice.sopClass = values[1]
    if nonImageClassPrefixes.contains(where: { slice.sopClass.hasPrefix($0) }) || values[18].isEmpty { return nil }
    do throws(DicomValueError) {
      try slice.parse(values)
    } catch {
      throw ImageFileError(path: path, reason: .corrupt("DICOM \(error.element) \(error.problem)"))
    }
    slice.hasPixels = hasPixels
    guard hasPixels else { throw ImageFileError(path: path, reason: .corrupt("DICOM image without pixel data")) }
    return slice
  }

  private mutating func parse(_ v: [String]) throws(DicomValueError) {
    modality = v[2]
    seriesDescription = v[3]
    patientID = v[4]
    studyUID = v[5]
    seriesUID = v[6]
    imageType = v[7].split(separator: "\\").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
    seriesNumber = try DicomValue.integer(v[8], "SeriesNumber (0020,0011)")
    acquisitionNumber = try DicomValue.integer(v[9], "AcquisitionNumber (0020,0012)")
    instanceNumber = try DicomValue.integer(v[10], "InstanceNumber (0020,0013)")
    echoNumber = try DicomValue.integer(
      v[11].split(separator: "\\").first.map(String.init) ?? "", "EchoNumbers (0018,0086)")
    position = try DicomValue.numbers(v[12], count: 3, "ImagePositionPatient (0020,0032)", limit: 1e6)
    orientation = try DicomValue.numbers(v[13], count: 6, "ImageOrientationPatient (0020,0037)", limit: 1.01)
    pixelSpacing = try DicomValue.numbers(v[14], count: 2, "PixelSpacing (0028,0030)", limit: 1e5)
    if let spacing = pixelSpacing, spacing.contains(where: { $0 <= 0 }) {
      throw DicomValueError(element: "PixelSpacing (0028,0030)", problem: "must be > 0, not \(v[14])")
    }
    sliceThickness = try DicomValue.numbers(v[15], count: 1, "SliceThickness (0018,0050)", limit: 1e5)?.first
    spacingBetweenSlices = try DicomValue.numbers(v[16], count: 1, "SpacingBetweenSlices (0018,0088)", limit: 1e5)?
      .first
    gantryTilt = try DicomValue.numbers(v[17], count: 1, "GantryDetectorTilt (0018,1120)", limit: 360)?.first
    rows = try DicomValue.required(v[18], "Rows (0028,0010)", 1...65535)
    columns = try DicomValue.required(v[19], "Columns (0028,0011)", 1...65535)
    frames =
      try DicomValue.integer(v[20], "NumberOfFrames (0028,0008)").map { n throws(DicomValueError) in
        guard (1...100_000).contains(n) else {
          throw DicomValueError(element: "NumberOfFrames (0028,0008)", problem: "must be 1 to 100000, not \(n)")
        }
        return n
      } ?? 1
    samplesPerPixel = try DicomValue.integer(v[21], "SamplesPerPixel (0028,0002)") ?? 1
    bitsAllocated = try DicomValue.required(v[22], "BitsAllocated (0028,0100)", 1...64)
    bitsStored = try DicomValue.integer(v[23], "BitsStored (0028,0101)") ?? bitsAllocated
    guard (1...bitsAllocated).contains(bitsStored) else {
      throw DicomValueError(
        element: "BitsStored (0028,0101)", problem: "must be 1 to BitsAllocated (\(bitsAllocated)), not \(bitsStored)")
    }
    pixelRepresentation = try DicomValue.integer(v[24], "PixelRepresentation (0028,0103)") ?? 0
    photometric = v[25].uppercased()
    slope = try DicomValue.numbers(v[26], count: 1, "RescaleSlope (0028,1053)", limit: 1e30)?.first ?? 1
    intercept = try DicomValue.numbers(v[27], count: 1, "RescaleIntercept (0028,1052)", limit: 1e30)?.first ?? 0
    if slope == 0 { throw DicomValueError(element: "RescaleSlope (0028,1053)", problem: "is 0") }
  }
}

/// An element whose value cannot be used.
struct DicomValueError: Error {
  let element: String
  let problem: String
}

/// DICOM's text values (IS, DS, multi-valued with backslashes) to checked numbers.
enum DicomValue {
  /// nil for an empty value; throws for a value that is not an integer.
  static func integer(_ text: String, _ element: String) throws(DicomValueError) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return nil }
    guard let n = Int(trimmed), abs(n) < 1 << 40 else {
      throw DicomValueError(element: element, problem: "is not an integer: '\(text.prefix(40))'")
    }
    return n
  }

  static func required(_ text: String, _ element: String, _ range: ClosedRange<Int>) throws(DicomValueError) -> Int {
    guard let n = try integer(text, element) else { throw DicomValueError(element: element, problem: "is missing") }
    guard range.contains(n) else {
      throw DicomValueError(element: element, problem: "must be \(range.lowerBound) to \(range.upperBound), not \(n)")
    }
    return n
  }

  /// nil for an empty value; throws unless there are exactly `count` finite numbers of magnitude at most `limit`.
  static func numbers(_ text: String, count: Int, _ element: String, limit: Double) throws(DicomValueError) -> [Double]?
  {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return nil }
    let parts = trimmed.split(separator: "\\", omittingEmptySubsequences: false)
    let values = parts.map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard values.count == count, values.allSatisfy({ $0 != nil }) else {
      throw DicomValueError(
        element: element, problem: "must hold \(count) number\(count == 1 ? "" : "s"), not '\(text.prefix(80))'")
    }
    let numbers = values.map { $0! }
    guard numbers.allSatisfy({ $0.isFinite && abs($0) <= limit }) else {
      throw DicomValueError(
        element: element, problem: "must be finite and at most \(limit) in magnitude: '\(text.prefix(80))'")
    }
    return numbers
  }
}
