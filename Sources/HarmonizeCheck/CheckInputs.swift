import Foundation
import HarmonizeVolume

/// Finds the prediction inputs of `harmonize check`: files, flat folders of files, or dataset folders.
public enum CheckInputs {
  /// Cases from paths. A folder holding `imagesTs/` (or else `imagesTr/`) is read as an nnU-Net dataset and
  /// its `labelsTs/` (`labelsTr/`) supply label files; any other folder is read flat. `labelsFolder` supplies
  /// label files (`{CASE}{ending}`) for every case. Paths that do not exist come back in `missing`.
  public static func collect(_ paths: [String], labelsFolder: String? = nil) -> (cases: [CaseFiles], missing: [String])
  {
    var files: [String] = []
    var labelFolders: [String] = []
    var missing: [String] = []
    let fm = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
        // FOLDER#SERIES names a DICOM series, not a file.
        if DicomReference(path: path) != nil { files.append(path) } else { missing.append(path) }
        continue
      }
      guard isDirectory.boolValue, !DicomReference.looksLikeSeriesFolder(path, directly: true) else {
        files.append(path)
        continue
      }
      var images = path
      for (imagesName, labelsName) in [("imagesTs", "labelsTs"), ("imagesTr", "labelsTr")] {
        let candidate = PathText.join(path, imagesName)
        if fm.fileExists(atPath: candidate) {
          images = candidate
          let labels = PathText.join(path, labelsName)
          if fm.fileExists(atPath: labels) { labelFolders.append(labels) }
          break
        }
      }
      files += CaseScanner.imageFiles(in: images)
    }
    var cases = CaseScanner.group(files)
    for folder in labelFolders + (labelsFolder.map { [$0] } ?? []) {
      var found = cases
      CaseScanner.attachLabels(&found, from: folder)
      for index in cases.indices where cases[index].label == nil { cases[index].label = found[index].label }
    }
    return (cases, missing)
  }
}
