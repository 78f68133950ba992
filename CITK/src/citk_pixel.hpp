// Byte counts of CITK pixel types, shared by the reader, the writer and the NIfTI paths.
#ifndef CITK_PIXEL_HPP
#define CITK_PIXEL_HPP

#include "citk.h"

namespace citk {

/// Bytes of one component; 0 for CITK_UNKNOWN.
uint64_t component_bytes(citk_pixel_type type);

/// size[0] x ... x components x component bytes, or 0 if it does not fit in 64 bits.
uint64_t pixel_bytes_of(const citk_header &h);

} // namespace citk

#endif
