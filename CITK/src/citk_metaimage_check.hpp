#ifndef CITK_METAIMAGE_CHECK_HPP
#define CITK_METAIMAGE_CHECK_HPP

#include "citk_guard.hpp"

#include <cstdint>
#include <memory>

namespace citk {
/// Throws CORRUPT when a MetaImage with `CompressedData = True` and one data file (LOCAL or named) does not inflate
/// to exactly `pixel_bytes` and end cleanly; does nothing for uncompressed data, lists and file patterns.
void verify_metaimage_compressed(const char *path, uint64_t pixel_bytes);
} // namespace citk

#endif
