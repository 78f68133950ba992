// The raw NIfTI-1 header fields CITK reads itself, where ITK hides or mishandles them (spacing checks, direct reads).
#ifndef CITK_NIFTI1_HPP
#define CITK_NIFTI1_HPP

#include "citk.h"

#include <cstdint>

namespace citk {

struct Nifti1Header {
  bool swap = false;        // stored in the other byte order than this machine's
  int16_t dim[8] = {};      // dim[0] = number of axes, dim[1..] sizes
  int16_t datatype = 0;
  float pixdim[8] = {};     // pixdim[1..] spacing
  float vox_offset = 0;
  float scl_slope = 0;
  float scl_inter = 0;
};

/// Decodes the first 348 bytes of a file; false when they are not a NIfTI-1 header (sizeof_hdr is 348 in neither
/// byte order: NIfTI-2 or another format, left to ITK).
bool parse_nifti1(const unsigned char (&bytes)[348], Nifti1Header &out);

/// Whether the file's stored bytes are `expected`'s pixels as they are: one unscaled component of the same type (no
/// scl_slope, no vector intent, a datatype ITK does not convert). Throws CORRUPT for a vox_offset below 348 or absurd.
bool stores_pixels_as_is(const Nifti1Header &layout, const citk_header &expected);

/// CITK's pixel type for a NIfTI-1 datatype code; CITK_UNKNOWN for RGB, complex and other codes ITK converts.
citk_pixel_type pixel_type_of_datatype(int16_t datatype);

} // namespace citk

#endif
