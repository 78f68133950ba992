#include "citk_nifti1.hpp"
#include "citk_guard.hpp"

#include <string>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace {

template <typename T> T load(const unsigned char *bytes, size_t offset, bool swap) {
  unsigned char copy[sizeof(T)];
  std::memcpy(copy, bytes + offset, sizeof(T));
  if (swap) std::reverse(copy, copy + sizeof(T));
  T value;
  std::memcpy(&value, copy, sizeof(T));
  return value;
}

} // namespace

namespace citk {

bool parse_nifti1(const unsigned char (&bytes)[348], Nifti1Header &out) {
  if (load<int32_t>(bytes, 0, false) == 348) {
    out.swap = false;
  } else if (load<int32_t>(bytes, 0, true) == 348) {
    out.swap = true;
  } else {
    return false;
  }
  for (int i = 0; i < 8; ++i) {
    out.dim[i] = load<int16_t>(bytes, 40 + 2 * i, out.swap);
    out.pixdim[i] = load<float>(bytes, 76 + 4 * i, out.swap);
  }
  out.datatype = load<int16_t>(bytes, 70, out.swap);
  out.vox_offset = load<float>(bytes, 108, out.swap);
  out.scl_slope = load<float>(bytes, 112, out.swap);
  out.scl_inter = load<float>(bytes, 116, out.swap);
  return true;
}

citk_pixel_type pixel_type_of_datatype(int16_t datatype) {
  switch (datatype) {
  case 2: return CITK_U8;
  case 4: return CITK_I16;
  case 8: return CITK_I32;
  case 16: return CITK_F32;
  case 64: return CITK_F64;
  case 256: return CITK_I8;
  case 512: return CITK_U16;
  case 768: return CITK_U32;
  case 1024: return CITK_I64;
  case 1280: return CITK_U64;
  default: return CITK_UNKNOWN;
  }
}

bool stores_pixels_as_is(const Nifti1Header &layout, const citk_header &expected) {
  const bool scaled = layout.scl_slope != 0 && (layout.scl_slope != 1 || layout.scl_inter != 0);
  const bool vector = layout.dim[0] >= 5 && layout.dim[5] > 1;
  if (scaled || vector || expected.components != 1 || pixel_type_of_datatype(layout.datatype) != expected.pixel_type) return false;
  if (!(layout.vox_offset >= 348) || layout.vox_offset > 1e12f) {
    throw Failure{CITK_ERR_CORRUPT, "NIfTI vox_offset must be at least 348, not " + std::to_string(layout.vox_offset)};
  }
  return true;
}
} // namespace citk
