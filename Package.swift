// swift-tools-version: 6.0
// Harmonize: resample and harmonize 3D medical images for segmentation training.
import PackageDescription

/// Debian 12's ITK 5.2 (`libinsighttoolkit5-dev`): headers in an `ITK-5.2` folder, libraries with a `-5.2` suffix.
/// `-isystem` keeps ITK's own warnings out of our build log. No CMake is involved: CITK registers the ImageIO
/// factories itself (CITK/src/citk_factories.cpp).
let itkInclude = "/usr/include/ITK-5.2"
let itkLibraries = [
  "ITKIOImageBase", "ITKCommon", "itksys", "itkvnl", "itkvnl_algo", "itkvcl", "itkv3p_netlib",
  "itkdouble-conversion", "ITKIONIFTI", "ITKniftiio", "ITKznz", "ITKIONRRD", "ITKNrrdIO", "ITKIOMeta",
  "ITKMetaIO", "ITKIOVTK", "ITKIOGIPL", "ITKIOPNG", "ITKIOTIFF", "ITKIOBMP",
].map { LinkerSetting.linkedLibrary("\($0)-5.2") }
/// GDCM 3.0 (`libgdcm-dev`, which ITK's DICOM ImageIO is built on): CITK reads DICOM data elements and decodes
/// DICOM pixel data with it directly.
let gdcmInclude = "/usr/include/gdcm-3.0"
let gdcmLibraries = ["gdcmMSFF", "gdcmDSED", "gdcmDICT", "gdcmIOD", "gdcmCommon"].map { LinkerSetting.linkedLibrary($0) }

let package = Package(
  name: "Harmonize",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "harmonize", targets: ["HarmonizeCLI"]),
    .library(name: "Harmonize", targets: ["Harmonize"]),
    .library(name: "HarmonizeVolume", targets: ["HarmonizeVolume"]),
    .library(name: "HarmonizeResample", targets: ["HarmonizeResample"]),
    .library(name: "HarmonizeCheck", targets: ["HarmonizeCheck"]),
    .library(name: "HarmonizeBatch", targets: ["HarmonizeBatch"]),
    .library(name: "HarmonizePredict", targets: ["HarmonizePredict"]),
    .library(name: "HarmonizeQC", targets: ["HarmonizeQC"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    .target(
      name: "CITK",
      path: "CITK",
      exclude: ["README.md"],
      sources: ["src"],
      publicHeadersPath: "include",
      cxxSettings: [.unsafeFlags(["-isystem", itkInclude, "-isystem", gdcmInclude])],
      linkerSettings: itkLibraries + gdcmLibraries + [.linkedLibrary("z"), .linkedLibrary("stdc++")]
    ),
    // The fast single-file NIfTI-1 path, without ITK: one header parser and check, one inflater (ISA-L), gzip members.
    .target(
      name: "CNifti",
      linkerSettings: [.linkedLibrary("deflate"), .linkedLibrary("isal"), .linkedLibrary("stdc++")]
    ),
    .target(name: "HarmonizeVolume", dependencies: ["CITK", "CNifti"]),
    .target(name: "HarmonizeResample", dependencies: ["HarmonizeVolume"]),
    .target(name: "HarmonizeCheck", dependencies: ["HarmonizeVolume", "HarmonizeResample"]),
    .target(name: "HarmonizeBatch", dependencies: ["HarmonizeVolume", "HarmonizeResample", "HarmonizeCheck"]),
    .target(name: "HarmonizeQC", dependencies: ["HarmonizeVolume", "HarmonizeCheck", "HarmonizeBatch"]),
    .target(
      name: "HarmonizePredict",
      dependencies: ["HarmonizeVolume", "HarmonizeResample", "HarmonizeCheck", "HarmonizeBatch"]),
    .target(
      name: "Harmonize",
      dependencies: [
        "HarmonizeVolume", "HarmonizeResample", "HarmonizeCheck", "HarmonizeBatch", "HarmonizePredict", "HarmonizeQC",
      ]),
    .executableTarget(
      name: "HarmonizeCLI",
      dependencies: ["Harmonize", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .target(name: "_HarmonizeTestSupport", dependencies: ["HarmonizeVolume"], path: "Tests/_HarmonizeTestSupport"),
    .testTarget(name: "HarmonizeVolumeTests", dependencies: ["HarmonizeVolume", "_HarmonizeTestSupport"]),
    .testTarget(name: "HarmonizeResampleTests", dependencies: ["HarmonizeResample", "_HarmonizeTestSupport"]),
    .testTarget(name: "HarmonizeCheckTests", dependencies: ["HarmonizeCheck", "_HarmonizeTestSupport"]),
    .testTarget(
      name: "HarmonizeBatchTests",
      dependencies: ["HarmonizeBatch", "HarmonizeCheck", "HarmonizeResample", "_HarmonizeTestSupport"]),
    .testTarget(name: "HarmonizeQCTests", dependencies: ["HarmonizeQC"]),
    .testTarget(name: "HarmonizePredictTests", dependencies: ["HarmonizePredict", "HarmonizeResample"]),
    .testTarget(name: "HarmonizeCLITests", dependencies: ["HarmonizeCLI", "HarmonizeBatch", "_HarmonizeTestSupport"]),
    .testTarget(
      name: "ConformanceTests",
      dependencies: ["HarmonizeVolume", "HarmonizeResample", "HarmonizeCLI", "_HarmonizeTestSupport"],
      exclude: ["python"]),
  ],
  cxxLanguageStandard: .cxx17
)
