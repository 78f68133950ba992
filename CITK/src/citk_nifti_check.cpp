// A check on raw NIfTI-1 headers that ITK's reader hides from us.
//
// ITK 5.2's NiftiImageIO silently replaces a pixdim of 0 or NaN with 1 mm and rejects a negative one with a
// misleading "orthonormal direction cosines" error. A header with such spacing is corrupt, and the user should be
// told so in those words. We read the 348-byte header ourselves (gzread reads plain and gzip files alike) and
// check the spatial pixdim before ITK does.
#include "citk_nifti_check.hpp"
#include "citk_nifti1.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <sstream>

namespace citk {

void check_nifti_header(const char *path) {
  gzFile file = gzopen(path, "rb");
  if (file == nullptr) return; // ITK will report why it cannot be opened
  unsigned char header[348];
  const int got = gzread(file, header, sizeof header);
  gzclose(file);
  if (got != static_cast<int>(sizeof header)) return; // too short for NIfTI-1: ITK reports it
  Nifti1Header raw;
  if (!parse_nifti1(header, raw)) return; // NIfTI-2 or not NIfTI: left to ITK
  const int16_t dims = raw.dim[0];
  if (dims < 1 || dims > 7) {
    throw Failure{CITK_ERR_CORRUPT, "NIfTI dim[0] must be 1 to 7, not " + std::to_string(dims)};
  }
  std::ostringstream sizes;
  bool bad_size = false;
  sizes << "(";
  for (int axis = 1; axis <= dims; ++axis) {
    const int16_t n = raw.dim[axis];
    if (n < 1) bad_size = true;
    sizes << (axis > 1 ? ", " : "") << n;
  }
  sizes << ")";
  if (bad_size) throw Failure{CITK_ERR_CORRUPT, "sizes (NIfTI dim) must be at least 1, not " + sizes.str()};
  const int spatial = dims < 3 ? dims : 3;
  bool bad = false;
  std::ostringstream values;
  values << "(";
  for (int axis = 1; axis <= spatial; ++axis) {
    const float pixdim = raw.pixdim[axis];
    if (!(std::isfinite(pixdim) && pixdim > 0)) bad = true;
    values << (axis > 1 ? ", " : "") << pixdim;
  }
  values << ")";
  if (bad) {
    throw Failure{CITK_ERR_CORRUPT, "spacing (NIfTI pixdim) must be finite and > 0, not " + values.str()};
  }
}

} // namespace citk
