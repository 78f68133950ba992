#ifndef CITK_NIFTI_CHECK_HPP
#define CITK_NIFTI_CHECK_HPP

#include "citk_guard.hpp"

namespace citk {
/// Throws a Failure naming the field when a NIfTI-1 header is corrupt: sizeof_hdr, magic, dim, datatype against
/// bitpix, spatial pixdim (finite, 1e-6 to 1e6 mm), quaternion and sform (finite, within 1e9 mm), vox_offset, and
/// pixel data that cannot fit in the file. Does nothing for NIfTI-2 and ANALYZE headers (ITK reports those).
void check_nifti_header(const char *path);
} // namespace citk

#endif
