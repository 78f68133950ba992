// ITK 5.2's NIfTI library (nifti1_io.c) does not read the file it is given. From the name it derives a base and probes
// base.nii, base.nii.gz, base.img, base.img.gz for the pixels (and .hdr, .hdr.gz, .nii, .nii.gz for a pair's header),
// uncompressed names first. So `ct.nii.gz` next to a `ct.nii` is read as ct.nii.gz's header over ct.nii's pixels
// (measured: a scaled 20x20x10 image came out as its neighbour's 7s times its own slope 2), and a FIFO named `ct.nii`
// blocks the read forever. SimpleITK has the same fault.
//
// When any such neighbour exists, or the name's ending is not the lower-case one the library matches, ITK is given a
// private folder holding links to the intended files only, under lower-case endings. Every ITK read of a NIfTI or
// ANALYZE name goes through this.
#ifndef CITK_NIFTI_ALIAS_HPP
#define CITK_NIFTI_ALIAS_HPP

#include <string>
#include <vector>

namespace citk {

class NiftiAlias {
public:
  /// For a `.nii`, `.nii.gz`, `.hdr`, `.hdr.gz`, `.img` or `.img.gz` name (any case), the intended files and, when
  /// ITK would otherwise look elsewhere, the links. Throws citk::Failure when the links cannot be made.
  explicit NiftiAlias(const std::string &path);
  ~NiftiAlias();
  NiftiAlias(const NiftiAlias &) = delete;
  NiftiAlias &operator=(const NiftiAlias &) = delete;

  /// The name to give ITK: the link to the given file, or the given path itself when no alias was needed.
  const std::string &path() const { return itk_path_; }
  /// Whether ITK reads through links.
  bool active() const { return !folder_.empty(); }

private:
  void remove() noexcept;

  std::string itk_path_;
  std::string folder_;
  std::vector<std::string> links_;
};

} // namespace citk

#endif
