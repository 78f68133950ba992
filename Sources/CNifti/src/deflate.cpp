// gzip members: the fast deflate that ITK 5.2's zlib-based NIfTI writer lacks (reference/compression.md). Level 1 is
// ISA-L's igzip level 1 (about 2x libdeflate level 1's speed, about 5% larger on CT-like int16 data); levels 2..12 are
// libdeflate's (level 6 is about zlib 6's size at 5x its speed; 12 is the smallest).
//
// Small members are libdeflate's at every level: igzip 2.30 compresses inputs of a few hundred bytes (a NIfTI header
// member, a tiny last chunk) to other valid bytes in about 1 process in 150, depending on where address-space layout
// randomisation put the process (none with ASLR off, none in forked children, none for inputs of 700 bytes or more in
// 3000 fresh processes). The same image must give the same file, so igzip only takes members where its speed counts.
#include "cnifti.h"
#include "vector_state.hpp"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <cstdlib>
#include <memory>

namespace {

size_t libdeflate_member(const void *in, size_t in_bytes, int level, void *out, size_t out_capacity) {
  libdeflate_compressor *compressor = libdeflate_alloc_compressor(level);
  if (compressor == nullptr) return 0;
  const size_t written = libdeflate_gzip_compress(compressor, in, in_bytes, out, out_capacity);
  libdeflate_free_compressor(compressor);
  return written;
}

/// igzip level 1, stateless, with its generic gzip header and trailer; 0 when the output does not fit.
size_t igzip_member(const void *in, size_t in_bytes, void *out, size_t out_capacity) {
  if (in_bytes > UINT32_MAX || out_capacity > UINT32_MAX) return 0;
  // Zeroed, as the stream below: igzip reads fields isal_deflate_stateless_init leaves alone, and identical input must
  // give identical bytes (a resampled file compared byte for byte once differed between two runs).
  std::unique_ptr<uint8_t, decltype(&std::free)> level_buffer(static_cast<uint8_t *>(std::calloc(ISAL_DEF_LVL1_DEFAULT, 1)), &std::free);
  if (!level_buffer) return 0;
  isal_zstream stream{};
  isal_deflate_stateless_init(&stream);
  stream.level = 1;
  stream.level_buf = level_buffer.get();
  stream.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  stream.gzip_flag = IGZIP_GZIP;
  stream.end_of_stream = 1;
  stream.flush = NO_FLUSH;
  stream.next_in = static_cast<uint8_t *>(const_cast<void *>(in));
  stream.avail_in = static_cast<uint32_t>(in_bytes);
  stream.next_out = static_cast<uint8_t *>(out);
  stream.avail_out = static_cast<uint32_t>(out_capacity);
  const bool done = isal_deflate_stateless(&stream) == COMP_OK;
  cnifti::clear_upper_vector_state();
  return done ? stream.total_out : 0;
}

/// Below this, igzip's output is not reproducible across processes (above) and its speed does not matter.
constexpr size_t igzip_smallest_member = 64 * 1024;

} // namespace

extern "C" size_t cnifti_gzip_bound(size_t in_bytes) {
  // libdeflate's worst case (a NULL compressor asks for it); igzip falls back to libdeflate when it would not fit.
  return libdeflate_gzip_compress_bound(nullptr, in_bytes);
}

extern "C" size_t cnifti_gzip_member(const void *in, size_t in_bytes, int level, void *out, size_t out_capacity) {
  if (level < 1 || level > 12 || out == nullptr || (in == nullptr && in_bytes > 0)) return 0;
  if (level == 1 && in_bytes >= igzip_smallest_member) {
    const size_t written = igzip_member(in, in_bytes, out, out_capacity);
    if (written > 0) return written;
  }
  return libdeflate_member(in, in_bytes, level, out, out_capacity);
}
