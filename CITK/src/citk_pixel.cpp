#include "citk_pixel.hpp"

namespace citk {

uint64_t component_bytes(citk_pixel_type type) {
  switch (type) {
  case CITK_U8: case CITK_I8: return 1;
  case CITK_U16: case CITK_I16: return 2;
  case CITK_U32: case CITK_I32: case CITK_F32: return 4;
  case CITK_U64: case CITK_I64: case CITK_F64: return 8;
  case CITK_UNKNOWN: break;
  }
  return 0;
}

uint64_t pixel_bytes_of(const citk_header &h) {
  uint64_t total = component_bytes(h.pixel_type);
  if (__builtin_mul_overflow(total, static_cast<uint64_t>(h.components), &total)) return 0;
  for (uint32_t axis = 0; axis < h.dimension; ++axis) {
    if (__builtin_mul_overflow(total, h.size[axis], &total)) return 0;
  }
  return total;
}

} // namespace citk
