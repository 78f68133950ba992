// Pixel reading for plain NIfTI-1 files, with zlib, so that truncation and corruption are errors.
#include "citk_nifti_pixels.hpp"
#include "citk_gzip_read.hpp"
#include "citk_nifti1.hpp"
#include "citk_pixel.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <memory>
#include <vector>

namespace {

struct GzCloser {
  void operator()(gzFile_s *file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

/// The raw header, read through zlib (plain and gzip files alike).
bool read_layout(gzFile file, citk::Nifti1Header &out) {
  unsigned char header[348];
  if (gzread(file, header, sizeof header) != static_cast<int>(sizeof header)) return false;
  return citk::parse_nifti1(header, out);
}

GzHandle open(const char *path) {
  GzHandle file(gzopen(path, "rb"));
  if (!file) throw citk::Failure{CITK_ERR_IO, "cannot open for reading"};
  gzbuffer(file.get(), 1 << 20);
  return file;
}

/// zlib's text for the file's error, without the "path: " it puts in front.
std::string zlib_reason(gzFile file, int *code) {
  const char *text = gzerror(file, code);
  std::string reason = text ? text : "zlib error";
  const size_t colon = reason.rfind(": ");
  return colon == std::string::npos ? reason : reason.substr(colon + 2);
}

/// Reads exactly `count` bytes (in pieces gzread's unsigned length can take) or throws CORRUPT saying whether the
/// stream ended early (truncated) or its data was bad (a wrong CRC, an invalid block).
void read_exactly(gzFile file, unsigned char *into, uint64_t count) {
  uint64_t done = 0;
  while (done < count) {
    const unsigned piece = static_cast<unsigned>(std::min<uint64_t>(count - done, 1u << 30));
    const int got = gzread(file, into + done, piece);
    if (got <= 0) {
      int code = Z_OK;
      const std::string reason = zlib_reason(file, &code);
      if (code == Z_DATA_ERROR || code == Z_STREAM_ERROR) {
        throw citk::Failure{CITK_ERR_CORRUPT, "corrupt compressed data (" + reason + ") in the pixel data"};
      }
      throw citk::Failure{CITK_ERR_CORRUPT, "truncated: " + std::to_string(done) + " of " + std::to_string(count) +
                                                " pixel bytes readable" + (code != Z_OK ? " (" + reason + ")" : "")};
    }
    done += static_cast<uint64_t>(got);
  }
}

/// Reads what follows to the end (NIfTI allows trailing extension data) so that zlib checks every gzip member's
/// CRC and length; throws CORRUPT on a bad CRC, a cut member or trailing garbage. Returns the bytes it read.
uint64_t drain_and_verify(gzFile file) {
  std::vector<unsigned char> scratch(1 << 16);
  uint64_t total = 0;
  for (;;) {
    const int got = gzread(file, scratch.data(), static_cast<unsigned>(scratch.size()));
    if (got > 0) {
      total += static_cast<uint64_t>(got);
      continue;
    }
    int code = Z_OK;
    const std::string reason = zlib_reason(file, &code);
    if (got < 0 && code != Z_BUF_ERROR) {
      throw citk::Failure{CITK_ERR_CORRUPT, "corrupt compressed data (" + reason + ")"};
    }
    if (code == Z_BUF_ERROR) throw citk::Failure{CITK_ERR_CORRUPT, "truncated compressed data: the gzip stream ends early"};
    return total;
  }
}

void skip_to(gzFile file, uint64_t offset) {
  if (offset > 348) {
    std::vector<unsigned char> skip(offset - 348);
    read_exactly(file, skip.data(), skip.size());
  }
}

void swap_in_place(unsigned char *data, uint64_t bytes, size_t width) {
  if (width == 1) return;
  for (uint64_t at = 0; at + width <= bytes; at += width) std::reverse(data + at, data + at + width);
}

} // namespace

namespace citk {

bool read_plain_nifti_pixels(const char *path, const citk_header &expected, void *buffer, size_t buffer_bytes,
                             size_t slack_bytes) {
  GzHandle file = open(path);
  citk::Nifti1Header layout;
  if (!read_layout(file.get(), layout)) return false;
  if (!citk::stores_pixels_as_is(layout, expected)) return false;
  if (gzdirect(file.get()) == 0) {
    // Compressed: libdeflate, member by member, over the whole mapped file.
    file.reset();
    inflate_nifti_gz(path, static_cast<uint64_t>(layout.vox_offset), buffer, buffer_bytes, slack_bytes);
  } else {
    skip_to(file.get(), static_cast<uint64_t>(layout.vox_offset));
    read_exactly(file.get(), static_cast<unsigned char *>(buffer), buffer_bytes);
    drain_and_verify(file.get());
  }
  if (layout.swap) swap_in_place(static_cast<unsigned char *>(buffer), buffer_bytes, citk::component_bytes(expected.pixel_type));
  return true;
}

void verify_nifti_stream(const char *path) {
  GzHandle file = open(path);
  citk::Nifti1Header layout;
  const bool known = read_layout(file.get(), layout);
  const uint64_t consumed = 348 + drain_and_verify(file.get());
  if (!known || !(layout.vox_offset >= 348)) return;
  const uint64_t needed = static_cast<uint64_t>(layout.vox_offset) + citk::nifti_stored_bytes(layout);
  if (consumed < needed) {
    throw citk::Failure{CITK_ERR_CORRUPT, "truncated: the pixel data needs " + std::to_string(needed) +
                                              " bytes but the stream holds " + std::to_string(consumed)};
  }
}

} // namespace citk
