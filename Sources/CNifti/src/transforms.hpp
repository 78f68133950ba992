#ifndef CNIFTI_TRANSFORMS_HPP
#define CNIFTI_TRANSFORMS_HPP

#include "nifti1.hpp"

namespace cnifti {
/// The qform (rebuilt from the quaternion, qoffset, pixdim and qfac) and sform (srow) of a parsed header.
void transforms_of(const Nifti1Header &header, cnifti_transforms &out);
} // namespace cnifti

#endif
