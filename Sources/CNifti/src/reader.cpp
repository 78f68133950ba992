// cnifti_inspect, cnifti_reader_*, cnifti_verify_stream: every read of a single-file NIfTI-1 opens it once, through one
// ByteSource, and parses its header with the one parser (nifti1.cpp).
#include "byte_source.hpp"
#include "header_check.hpp"
#include "nifti1.hpp"
#include "transforms.hpp"

#include <algorithm>
#include <memory>
#include <string>

struct cnifti_reader {
  std::unique_ptr<cnifti::ByteSource> source;
  uint64_t pixel_bytes = 0;
  uint64_t delivered = 0; // pixel bytes handed to the caller
  size_t swap_width = 0;  // component bytes to reverse, 0 when stored in this machine's order
};

namespace {

using cnifti::Failure;

/// Reads up to 348 header bytes; returns how many the stream held.
size_t read_header_bytes(cnifti::ByteSource &source, unsigned char (&raw)[348]) {
  return source.get(raw, sizeof raw);
}

void open_reader(cnifti_reader &r, const char *path, const cnifti_layout &expected, bool &supported) {
  supported = false;
  bool regular = false;
  r.source = std::make_unique<cnifti::ByteSource>(path, &regular);
  if (!regular) throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "not a regular file (a FIFO, socket or device)"};
  unsigned char raw[348];
  const size_t got = read_header_bytes(*r.source, raw);
  if (got != sizeof raw) throw Failure{CNIFTI_ERR_CORRUPT, "truncated: shorter than a NIfTI-1 header"};
  cnifti::Nifti1Header layout;
  // The same checks as cnifti_inspect, on the bytes this open read: the file may have changed since.
  if (!cnifti::check_nifti_header(path, raw, got, r.source->compressed(), layout)) return; // NIfTI-2: ITK reads it
  if (!cnifti::stores_pixels_as_is(layout, expected)) return;
  for (uint32_t axis = 0; axis < expected.dimension; ++axis) {
    const uint32_t stored_axes = static_cast<uint32_t>(std::max<int16_t>(layout.dim[0], 0));
    const uint64_t size = axis + 1 <= stored_axes ? static_cast<uint64_t>(layout.dim[axis + 1]) : 1;
    if (size != expected.size[axis]) throw Failure{CNIFTI_ERR_CORRUPT, "the file changed while it was being read"};
  }
  // Extensions up to vox_offset, skipped in pieces.
  if (!r.source->skip(static_cast<uint64_t>(layout.vox_offset) - sizeof raw)) {
    throw Failure{CNIFTI_ERR_CORRUPT, "truncated: the file ends before the pixel data"};
  }
  r.pixel_bytes = cnifti::layout_bytes(expected);
  if (r.pixel_bytes == 0) throw Failure{CNIFTI_ERR_TOO_LARGE, "image size overflows 64 bits"};
  const uint64_t width = cnifti::component_bytes(expected.pixel_type);
  r.swap_width = layout.swap && width > 1 ? static_cast<size_t>(width) : 0;
  supported = true;
}

} // namespace

extern "C" cnifti_status cnifti_inspect(const char *path, int *is_nifti1, cnifti_transforms *transforms, char *message,
                                        size_t message_capacity) {
  return cnifti::guarded(message, message_capacity, [&] {
    if (path == nullptr || is_nifti1 == nullptr || transforms == nullptr) {
      throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "missing argument"};
    }
    *is_nifti1 = 0;
    bool regular = false;
    cnifti::ByteSource source(path, &regular);
    if (!regular || source.file_size() == 0) return CNIFTI_OK; // ITK names what is wrong
    unsigned char raw[348];
    const size_t got = read_header_bytes(source, raw);
    cnifti::Nifti1Header header;
    if (!cnifti::check_nifti_header(path, raw, got, source.compressed(), header)) return CNIFTI_OK;
    cnifti::transforms_of(header, *transforms);
    *is_nifti1 = 1;
    return CNIFTI_OK;
  });
}

extern "C" cnifti_status cnifti_reader_open(const char *path, const cnifti_layout *expected, cnifti_reader **out,
                                            char *message, size_t message_capacity) {
  return cnifti::guarded(message, message_capacity, [&] {
    if (path == nullptr || expected == nullptr || out == nullptr) {
      throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "missing argument"};
    }
    *out = nullptr;
    auto reader = std::make_unique<cnifti_reader>();
    bool supported = false;
    open_reader(*reader, path, *expected, supported);
    if (supported) *out = reader.release();
    return CNIFTI_OK;
  });
}

extern "C" cnifti_status cnifti_reader_read(cnifti_reader *reader, void *buffer, size_t bytes, char *message,
                                            size_t message_capacity) {
  return cnifti::guarded(message, message_capacity, [&] {
    if (reader == nullptr || (buffer == nullptr && bytes > 0)) {
      throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "missing reader or buffer"};
    }
    if (bytes > reader->pixel_bytes - reader->delivered) {
      throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "read past the pixel data"};
    }
    auto *out = static_cast<unsigned char *>(buffer);
    const size_t got = reader->source->get(out, bytes);
    if (got < bytes) {
      throw Failure{CNIFTI_ERR_CORRUPT, "truncated: " + std::to_string(reader->delivered + got) + " of " +
                                            std::to_string(reader->pixel_bytes) + " pixel bytes in the file"};
    }
    reader->delivered += bytes;
    if (reader->swap_width > 1) {
      for (size_t at = 0; at + reader->swap_width <= bytes; at += reader->swap_width) {
        std::reverse(out + at, out + at + reader->swap_width);
      }
    }
    return CNIFTI_OK;
  });
}

extern "C" cnifti_status cnifti_reader_finish(cnifti_reader *reader, char *message, size_t message_capacity) {
  return cnifti::guarded(message, message_capacity, [&] {
    if (reader == nullptr) throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "missing reader"};
    if (reader->delivered != reader->pixel_bytes) {
      throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "finished before the last pixel"};
    }
    if (!reader->source->compressed()) return CNIFTI_OK; // an uncompressed NIfTI may carry data after its pixels
    // Inflate the rest: CRCs and lengths of the last member, any further (empty) members, nothing else.
    if (reader->source->drain(true) > 0) throw Failure{CNIFTI_ERR_CORRUPT, "more pixel data than the header declares"};
    return CNIFTI_OK;
  });
}

extern "C" void cnifti_reader_close(cnifti_reader *reader) { delete reader; }

extern "C" cnifti_status cnifti_verify_stream(const char *path, char *message, size_t message_capacity) {
  return cnifti::guarded(message, message_capacity, [&] {
    if (path == nullptr) throw Failure{CNIFTI_ERR_INVALID_ARGUMENT, "missing path"};
    bool regular = false;
    cnifti::ByteSource source(path, &regular);
    if (!regular) return CNIFTI_OK;
    unsigned char raw[348];
    const size_t got = read_header_bytes(source, raw);
    cnifti::Nifti1Header layout;
    const bool known = got == sizeof raw && cnifti::parse_nifti1(raw, layout);
    const uint64_t consumed = got + source.drain(true);
    if (!known || !(layout.vox_offset >= 348)) return CNIFTI_OK;
    const uint64_t needed = static_cast<uint64_t>(layout.vox_offset) + cnifti::nifti_stored_bytes(layout);
    if (consumed < needed) {
      throw Failure{CNIFTI_ERR_CORRUPT, "truncated: the pixel data needs " + std::to_string(needed) +
                                            " bytes but the stream holds " + std::to_string(consumed)};
    }
    return CNIFTI_OK;
  });
}
