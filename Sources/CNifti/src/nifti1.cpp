#include "nifti1.hpp"
#include "fence.hpp"

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

namespace cnifti {

int32_t nifti_sizeof_hdr(const unsigned char *bytes) {
  const int32_t little = load<int32_t>(bytes, 0, false), swapped = load<int32_t>(bytes, 0, true);
  return (swapped == 348 || swapped == 540) ? swapped : little;
}

bool parse_nifti1(const unsigned char *bytes, Nifti1Header &out) {
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
  out.bitpix = load<int16_t>(bytes, 72, out.swap);
  out.qform_code = load<int16_t>(bytes, 252, out.swap);
  out.sform_code = load<int16_t>(bytes, 254, out.swap);
  for (int i = 0; i < 3; ++i) {
    out.quatern[i] = load<float>(bytes, 256 + 4 * i, out.swap);
    out.qoffset[i] = load<float>(bytes, 268 + 4 * i, out.swap);
  }
  for (int i = 0; i < 12; ++i) out.srow[i] = load<float>(bytes, 280 + 4 * i, out.swap);
  std::memcpy(out.magic, bytes + 344, 4);
  out.vox_offset = load<float>(bytes, 108, out.swap);
  out.scl_slope = load<float>(bytes, 112, out.swap);
  out.scl_inter = load<float>(bytes, 116, out.swap);
  return true;
}

cnifti_pixel_type pixel_type_of_datatype(int16_t datatype) {
  switch (datatype) {
  case 2: return CNIFTI_U8;
  case 4: return CNIFTI_I16;
  case 8: return CNIFTI_I32;
  case 16: return CNIFTI_F32;
  case 64: return CNIFTI_F64;
  case 256: return CNIFTI_I8;
  case 512: return CNIFTI_U16;
  case 768: return CNIFTI_U32;
  case 1024: return CNIFTI_I64;
  case 1280: return CNIFTI_U64;
  default: return CNIFTI_UNKNOWN;
  }
}

int bits_of_datatype(int16_t datatype) {
  switch (datatype) {
  case 2: case 256: return 8;
  case 4: case 512: return 16;
  case 8: case 16: case 768: return 32;
  case 64: case 1024: case 1280: case 32: return 64;
  case 128: return 24;
  case 2304: return 32;
  case 1536: case 1792: return 128;
  case 2048: return 256;
  default: return 0;
  }
}

uint64_t component_bytes(cnifti_pixel_type type) {
  switch (type) {
  case CNIFTI_U8: case CNIFTI_I8: return 1;
  case CNIFTI_U16: case CNIFTI_I16: return 2;
  case CNIFTI_U32: case CNIFTI_I32: case CNIFTI_F32: return 4;
  case CNIFTI_U64: case CNIFTI_I64: case CNIFTI_F64: return 8;
  case CNIFTI_UNKNOWN: break;
  }
  return 0;
}

uint64_t layout_bytes(const cnifti_layout &layout) {
  uint64_t total = component_bytes(layout.pixel_type);
  if (__builtin_mul_overflow(total, static_cast<uint64_t>(layout.components), &total)) return 0;
  for (uint32_t axis = 0; axis < layout.dimension && axis < 4; ++axis) {
    if (__builtin_mul_overflow(total, layout.size[axis], &total)) return 0;
  }
  return total;
}

uint64_t nifti_stored_bytes(const Nifti1Header &layout) {
  unsigned __int128 total = static_cast<unsigned>(layout.bitpix > 0 ? layout.bitpix : 0);
  for (int axis = 1; axis <= layout.dim[0] && axis <= 7; ++axis) {
    total *= static_cast<unsigned>(layout.dim[axis] > 0 ? layout.dim[axis] : 0);
    if (total > (static_cast<unsigned __int128>(UINT64_MAX) << 3)) return 0;
  }
  return static_cast<uint64_t>(total / 8);
}

bool stores_pixels_as_is(const Nifti1Header &layout, const cnifti_layout &expected) {
  const bool scaled = layout.scl_slope != 0 && (layout.scl_slope != 1 || layout.scl_inter != 0);
  const bool vector = layout.dim[0] >= 5 && layout.dim[5] > 1;
  if (scaled || vector || expected.components != 1 || pixel_type_of_datatype(layout.datatype) != expected.pixel_type) return false;
  if (!(layout.vox_offset >= 348) || layout.vox_offset > 1e12f) {
    throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI vox_offset must be at least 348, not " + std::to_string(layout.vox_offset)};
  }
  return true;
}
} // namespace cnifti
