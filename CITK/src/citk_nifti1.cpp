#include "citk_nifti1.hpp"

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

} // namespace citk
