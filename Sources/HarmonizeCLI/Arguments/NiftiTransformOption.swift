import ArgumentParser
import Harmonize

extension NiftiTransform: ExpressibleByArgument {}

/// `--nifti-transform itk|sform|qform`: which NIfTI-1 transform places the voxels of every NIfTI file the command reads.
struct NiftiTransformOption: ParsableArguments {
  @Option(
    help: "NIfTI transform to read: itk (ITK's and SimpleITK's choice), sform (nibabel's and FSL's when set) or qform.")
  var niftiTransform: NiftiTransform = .itk

  /// Sets the process-wide reading policy; call first in `run()`.
  func apply() { ImageFile.niftiTransform = niftiTransform }
}
