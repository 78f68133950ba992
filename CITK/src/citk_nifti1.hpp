// The raw NIfTI-1 header fields CITK reads itself, where ITK hides or mishandles them (spacing checks, direct reads).
#ifndef CITK_NIFTI1_HPP
#define CITK_NIFTI1_HPP

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

} // namespace citk

#endif
