/// The examples every `--help` ends with: what a user types for the common cases of each command.
///
/// ArgumentParser has no examples section; `HarmonizeCommand.main` appends these to a help request's text.
enum HelpExamples {
  static let byCommand: [String: [String]] = [
    "harmonize": [
      "harmonize info ct.nii.gz",
      "harmonize resample ct.nii.gz ct_1mm.nii.gz --spacing 1",
      "harmonize fingerprint nnUNet_raw/Dataset001_Tiny -o fingerprint.json",
      "harmonize check new_scans/ --against fingerprint.json --memory 32G",
      "harmonize batch nnUNet_raw/Dataset001_Tiny out/Dataset001_Tiny --spacing 0.5 --max-size 512",
    ],
    "info": [
      "harmonize info ct.nii.gz seg.nii.gz", "harmonize info --json ct.nii.gz",
      "harmonize info atlas.nii.gz --nifti-transform sform",
      "harmonize info dicom/patient7   # every DICOM series: UID, images, grid, geometry problems",
    ],
    "convert": [
      "harmonize convert dicom/patient7 ct.nii.gz --series 3",
      "harmonize convert DICOMDIR t1.nii.gz --series 1.2.840.113619.2.55.3.604688",
      "harmonize convert image.nrrd image.nii.gz",
    ],
    "resample": [
      "harmonize resample ct.nii.gz ct_1mm.nii.gz --spacing 1",
      "harmonize resample seg.nii.gz seg_05.nii.gz --spacing 0.5 --interpolation label --max-size 512",
      "harmonize resample mr.nii.gz mr_iso.nii.gz --spacing 0.7x0.7x0.7mm --orient RAS",
      "harmonize resample pred.nii.gz pred_on_ct.nii.gz --like ct.nii.gz --interpolation nearest",
    ],
    "reorient": [
      "harmonize reorient sag.nii.gz sag_ras.nii.gz --to RAS",
      "harmonize reorient case.nii.gz out.nii.gz --fingerprint fingerprint.json",
    ],
    "fingerprint": [
      "harmonize fingerprint nnUNet_raw/Dataset001_Tiny -o fingerprint.json",
      "harmonize fingerprint nnUNet_raw/Dataset001_Tiny --headers-only -o fingerprint.json",
    ],
    "check": [
      "harmonize check new_scans/ --against fingerprint.json",
      "harmonize check new_scans/ --against nnUNet_results/Dataset001_Tiny/nnUNetTrainer__nnUNetPlans__3d_fullres --memory 32G",
      "harmonize check new_scans/ --against nnUNet_raw/Dataset001_Tiny --json",
    ],
    "batch": [
      "harmonize batch nnUNet_raw/Dataset001_Tiny out/Dataset001_Tiny --spacing 0.5 --max-size 512 --label-interpolation label",
      "harmonize batch IN OUT --fingerprint fingerprint.json --orient like-training --dry-run",
      "harmonize batch IN OUT --spacing 0.5 --memory 16G --jobs 2",
      "harmonize batch dicom_tree nnUNet_raw/Dataset042_X --dicom --channel T1='t1' --channel T2='t2'",
      "sbatch --array=0-7 Samples/slurm/batch-array.sh IN OUT --spacing 0.5   # then: harmonize batch IN OUT --merge-manifests",
    ],
    "restore": [
      "harmonize restore pred.nii.gz back.nii.gz --sidecar small.nii.gz.harmonize.json",
      "harmonize restore predictions/ restored/ --manifest out/Dataset001_Tiny",
    ],
    "plan": ["harmonize plan nnUNet_raw/Dataset001_Tiny --candidates 0.25,0.33,0.5 --max-size 512 --memory 32G"],
  ]

  /// The EXAMPLES section for the command a help request names (the first argument that is a command), or the root's.
  static func section(arguments: [String]) -> String {
    let name = arguments.first { byCommand[$0] != nil && $0 != "harmonize" } ?? "harmonize"
    return "\nEXAMPLES:\n" + (byCommand[name] ?? []).map { "  " + $0 }.joined(separator: "\n") + "\n"
  }
}
