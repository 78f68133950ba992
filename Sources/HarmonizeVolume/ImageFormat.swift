/// Every image file format harmonize reads or writes, told by the file name's ending, with its facts: the one place
/// in Swift that knows file endings. (CITK's C++ asks ITK's factories, which decide by the same endings.)
public enum ImageFormat: String, CaseIterable, Sendable, Codable {
  case niftiGz = ".nii.gz"
  case nifti = ".nii"
  /// A NIfTI-1 (or ANALYZE 7.5) header whose pixels are in the `.img` beside it.
  case niftiPair = ".hdr"
  /// The pixels of a NIfTI-1 pair, named for the pair (ITK reads and writes the `.hdr` beside it too).
  case niftiPairData = ".img"
  case nrrd = ".nrrd"
  /// A NRRD header whose pixels are in the data file it names.
  case nrrdDetached = ".nhdr"
  case metaImage = ".mha"
  /// A MetaImage header whose pixels are in the data file it names (`ElementDataFile`).
  case metaImageDetached = ".mhd"
  case giplGz = ".gipl.gz"
  case gipl = ".gipl"
  case vtk = ".vtk"
  case png = ".png"
  case bmp = ".bmp"
  case tiff = ".tiff"
  case tif = ".tif"

  /// The file's ending, lower case (".nii.gz").
  public var ending: String { rawValue }

  /// The format a path's name ends with (case-insensitive; the longest ending wins: ".nii.gz" over ".gz"); nil for
  /// a name with no known ending, or that is only an ending.
  public init?(path: String) {
    let name = PathText.name(path).lowercased()
    guard
      let format = ImageFormat.longestFirst.first(where: {
        name.hasSuffix($0.rawValue) && name.count > $0.rawValue.count
      })
    else {
      return nil
    }
    self = format
  }

  static let longestFirst = allCases.sorted { $0.rawValue.count > $1.rawValue.count }

  /// The name of ITK's reader for the format, as `ImageHeader.format` reports it.
  public var family: String {
    switch self {
    case .niftiGz, .nifti, .niftiPair, .niftiPairData: "NIfTI"
    case .nrrd, .nrrdDetached: "NRRD"
    case .metaImage, .metaImageDetached: "MetaImage"
    case .giplGz, .gipl: "GIPL"
    case .vtk: "VTK"
    case .png: "PNG"
    case .bmp: "BMP"
    case .tiff, .tif: "TIFF"
    }
  }

  /// harmonize writes it (tested round trips: NIfTI, NRRD, MetaImage, with direction); the others are read through ITK
  /// only (GIPL, VTK and the 2D formats store no direction).
  public var isWritable: Bool {
    [.niftiGz, .nifti, .niftiPair, .niftiPairData, .nrrd, .nrrdDetached, .metaImage, .metaImageDetached].contains(self)
  }

  /// A header whose pixels are in other files (data files, `.img`).
  public var hasDetachedData: Bool { [.niftiPair, .niftiPairData, .nrrdDetached, .metaImageDetached].contains(self) }

  /// The file that holds `path`'s header: the `.hdr` of a NIfTI pair named by its `.img`, `path` itself otherwise.
  public func headerFile(for path: String) -> String {
    self == .niftiPairData ? String(path.dropLast(ending.count)) + ".hdr" : path
  }

  /// Every file ITK's writer may create when told to write `path`: the file itself and, for detached formats, the data
  /// file it names after the stem (`x.mhd`: `x.raw` or `x.zraw`; `x.nhdr`: `x.raw` or `x.raw.gz`) or the other half of
  /// a NIfTI pair (`x.hdr` and `x.img`). `ImageFile.checkWritable` compares all of them with the inputs, and
  /// `AtomicWrite` refuses a write that produced any other file, so no input is replaced by a file it did not name.
  public func filesWritten(for path: String) -> [String] {
    let stem = String(path.dropLast(ending.count))
    switch self {
    case .metaImageDetached: return [path, stem + ".raw", stem + ".zraw"]
    case .nrrdDetached: return [path, stem + ".raw", stem + ".raw.gz"]
    case .niftiPair, .niftiPairData: return [stem + ".hdr", stem + ".img"]
    default: return [path]
    }
  }

  /// Single-file NIfTI-1: pixels read a window of planes at a time (`PlaneReader`), outputs written slab by slab.
  public var streamsPixels: Bool { self == .nifti || self == .niftiGz }

  /// Always compressed (gzip around the whole file).
  public var isGzipped: Bool { self == .niftiGz || self == .giplGz }

  /// Deflate levels the format's writer takes: libdeflate/ISA-L 1...12 for `.nii.gz`, ITK's zlib 1...9 for NRRD and
  /// MetaImage (which are uncompressed unless asked); nil where the format does not compress.
  public var compressionLevels: ClosedRange<Int>? {
    switch self {
    case .niftiGz: 1...12
    case .nrrd, .nrrdDetached, .metaImage, .metaImageDetached: 1...9
    default: nil
    }
  }

  /// The formats a folder of cases is scanned for (nnU-Net's and every ITK reader's single-file images; `.hdr/.img`
  /// pairs are read when named, not collected).
  public static let caseFormats = longestFirst.filter { $0 != .niftiPair && $0 != .niftiPairData }

  /// The endings `batch --format` writes.
  public static let batchOutputs: [ImageFormat] = [.niftiGz, .nifti, .nrrd, .metaImage]

  /// "…, .nii, .nii.gz, .nrrd, …": the writable endings, for error messages.
  public static var writableEndingsText: String {
    allCases.filter(\.isWritable).map(\.rawValue).joined(separator: ", ")
  }
}
