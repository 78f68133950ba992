#ifndef CITK_NIFTI_CHECK_HPP
#define CITK_NIFTI_CHECK_HPP

#include "citk_guard.hpp"

namespace citk {
/// Throws a CORRUPT Failure when a NIfTI-1 file's sizes are not ≥ 1 or its spatial pixdim is not finite and > 0; does nothing for files
/// that are not NIfTI-1 (ITK reports those).
void check_nifti_header(const char *path);
} // namespace citk

#endif
