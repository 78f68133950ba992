#ifndef CNIFTI_HEADER_CHECK_HPP
#define CNIFTI_HEADER_CHECK_HPP

#include "fence.hpp"
#include "nifti1.hpp"

#include <cstddef>

namespace cnifti {
/// Checks the first `got` (up to 348) bytes of `path`'s stream, `compressed` when the file is gzip. Throws a Failure
/// naming the field when a NIfTI-1 header is corrupt: sizeof_hdr, magic, dim, datatype against bitpix, spatial pixdim
/// (finite, 1e-6 to 1e6 mm), quaternion and sform (finite, within 1e9 mm), vox_offset, and pixel data that cannot fit
/// in the file. Returns false for NIfTI-2 and ANALYZE headers (ITK reports those), true with `raw` filled otherwise.
bool check_nifti_header(const char *path, const unsigned char *header, size_t got, bool compressed, Nifti1Header &raw);
} // namespace cnifti

#endif
