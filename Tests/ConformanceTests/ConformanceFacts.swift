import Foundation
import HarmonizeVolume
import Testing
import _HarmonizeTestSupport

/// What `python/conformance.py` reports about one file: SimpleITK's and nibabel's view of it.
struct FileFacts: Decodable {
  struct SimpleITK: Decodable {
    var size: [Int]
    var spacing: [Double]
    var origin: [Double]
    var direction: [Double]
    var components: Int
    var pixel: String
    var voxels_equal: Bool?
  }
  struct Nibabel: Decodable {
    var shape: [Int]
    var zooms: [Double]
    var affine: [[Double]]
    var axcodes: String
    var dtype: String
    var voxels_equal: Bool?
  }
  var file: String
  var sitk: SimpleITK?
  var sitk_error: String?
  var nibabel: Nibabel?
  var nibabel_error: String?
  var raw: String?
}

/// Runs the conformance helper in the test command's venv; fails (never skips) when the venv is missing.
func conformance(_ arguments: [String]) throws -> [FileFacts] {
  let script = TestEnvironment.packageRoot + "/Tests/ConformanceTests/python/conformance.py"
  let result = try run(TestEnvironment.python, [script] + arguments)
  guard result.status == 0 else {
    throw TestEnvironmentError("conformance.py \(arguments.first ?? "") failed: \(result.stderr.suffix(2000))")
  }
  return try JSONDecoder().decode([FileFacts].self, from: Data(result.stdout.utf8))
}

/// SimpleITK's name for a pixel type's component, as `GetPixelIDTypeAsString` words it.
func sitkComponentName(_ type: PixelType) -> String {
  switch type {
  case .u8: "8-bit unsigned integer"
  case .i8: "8-bit signed integer"
  case .u16: "16-bit unsigned integer"
  case .i16: "16-bit signed integer"
  case .u32: "32-bit unsigned integer"
  case .i32: "32-bit signed integer"
  case .u64: "64-bit unsigned integer"
  case .i64: "64-bit signed integer"
  case .f32: "32-bit float"
  case .f64: "64-bit float"
  }
}

/// Asserts our header agrees with SimpleITK's: sizes and components exactly, geometry within `tolerance`.
func expectAgreement(
  _ header: ImageHeader, _ sitk: FileFacts.SimpleITK, _ file: String, tolerance: Double = 1e-6,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let g = header.geometry
  #expect(g.size == sitk.size, "\(file): size", sourceLocation: sourceLocation)
  #expect(header.components == sitk.components, "\(file): components", sourceLocation: sourceLocation)
  #expect(
    sitk.pixel.hasSuffix(sitkComponentName(header.pixelType)), "\(file): \(header.pixelType) vs \(sitk.pixel)",
    sourceLocation: sourceLocation)
  expectClose(g.spacing, sitk.spacing, tolerance, "\(file): spacing", sourceLocation)
  expectClose(g.origin, sitk.origin, tolerance, "\(file): origin", sourceLocation)
  expectClose(g.direction, sitk.direction, tolerance, "\(file): direction", sourceLocation)
}

/// Asserts our `info` agrees with nibabel: shape, zooms, affine (within `tolerance`, mm) and axis codes.
func expectAgreement(
  _ info: ImageInfo, _ nibabel: FileFacts.Nibabel, _ file: String, tolerance: Double = 1e-4,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(info.size == nibabel.shape, "\(file): shape", sourceLocation: sourceLocation)
  expectClose(info.spacing, Array(nibabel.zooms.prefix(info.dimension)), 1e-6, "\(file): zooms", sourceLocation)
  expectClose(info.affine.flatMap { $0 }, nibabel.affine.flatMap { $0 }, tolerance, "\(file): affine", sourceLocation)
  #expect(info.orientation == nibabel.axcodes, "\(file): axis codes", sourceLocation: sourceLocation)
}

/// Asserts element-wise closeness: within `tolerance`, or within two float32 ULPs of the value, since NIfTI stores
/// geometry as float32 and ITK 5.2 (ours) and ITK 5.4 (SimpleITK's) can round a derived origin one ULP apart
/// (seen on nibabel's reoriented_anat_moved.nii: -27.599411 vs -27.599409).
func expectClose(_ a: [Double], _ b: [Double], _ tolerance: Double, _ what: String, _ sourceLocation: SourceLocation) {
  #expect(a.count == b.count, "\(what): \(a) vs \(b)", sourceLocation: sourceLocation)
  let ok = zip(a, b).allSatisfy { abs($0 - $1) <= max(tolerance, 2 * Double(Float(abs($1)).ulp)) }
  #expect(ok, "\(what): \(a) vs \(b)", sourceLocation: sourceLocation)
}

/// Whether our pixels of `path` equal the bytes in `rawPath`.
func voxelsEqual(_ volume: Volume, rawPath: String) throws -> Bool {
  let raw = try Data(contentsOf: URL(fileURLWithPath: rawPath))
  return volume.withUnsafeBytes { Data($0) == raw }
}
