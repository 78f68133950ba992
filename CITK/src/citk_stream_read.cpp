// Forward-only reading of a plain NIfTI-1 file's pixel bytes in pieces, for slab streaming: the input is never held
// whole, never mapped, and only a 1 MiB read buffer and the inflater's state are kept besides the caller's buffer.
// Inflate is ISA-L's igzip, streaming, about 2x zlib's speed (reference/compression.md: 237 against 90-140 MB/s).
// The same rules as the whole-file reader: a cut member, a wrong CRC, more or less pixel data than the header
// declares, and anything but gzip members after the last member are errors (zlib's gzread ignores trailing garbage,
// so this reader drives inflate itself, member by member).
#include "citk_guard.hpp"
#include "citk_nifti1.hpp"
#include "citk_pixel.hpp"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

struct citk_stream_reader {
  int fd = -1;
  uint64_t file_size = 0;
  uint64_t file_consumed = 0; // bytes read from the file into `input`
  bool compressed = false;
  inflate_state z{};
  bool member_open = false;   // inside a gzip member: inflate has not reached its end
  std::vector<unsigned char> input = std::vector<unsigned char>(1 << 20);
  const unsigned char *next = nullptr; // unread bytes of `input` (the uncompressed path's cursor)
  size_t available = 0;
  uint64_t pixel_bytes = 0;
  uint64_t delivered = 0;     // pixel bytes handed to the caller
  size_t swap_width = 0;      // component bytes to reverse, 0 when stored in this machine's order

  ~citk_stream_reader() {
    if (fd >= 0) close(fd);
  }
};

namespace {

using citk::Failure;

/// Reads the next piece of the file into the input buffer; false at the end of the file.
bool refill(citk_stream_reader &r) {
  for (;;) {
    const ssize_t got = read(r.fd, r.input.data(), r.input.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Failure{CITK_ERR_IO, std::string("cannot read: ") + std::strerror(errno)};
    r.file_consumed += static_cast<uint64_t>(got);
    r.next = r.input.data();
    r.available = static_cast<size_t>(got);
    r.z.next_in = r.input.data();
    r.z.avail_in = static_cast<uint32_t>(got);
    return got > 0;
  }
}

/// Bytes of the file not yet inflated or copied.
uint64_t unread(const citk_stream_reader &r) {
  return (r.compressed ? r.z.avail_in : r.available) + (r.file_size - std::min(r.file_size, r.file_consumed));
}

/// Starts the next gzip member; false at a clean end of the file. Throws CORRUPT for bytes that are not a member.
bool begin_member(citk_stream_reader &r) {
  if (r.z.avail_in == 0 && !refill(r)) return false;
  if (r.z.avail_in < 2) {
    // A member header split across reads: move the byte to the front and read more behind it.
    const unsigned char first = r.z.next_in[0];
    r.input[0] = first;
    const ssize_t got = read(r.fd, r.input.data() + 1, r.input.size() - 1);
    if (got < 0) throw Failure{CITK_ERR_IO, std::string("cannot read: ") + std::strerror(errno)};
    r.file_consumed += static_cast<uint64_t>(got);
    r.z.next_in = r.input.data();
    r.z.avail_in = static_cast<uint32_t>(1 + got);
  }
  if (r.z.avail_in < 2 || r.z.next_in[0] != 0x1f || r.z.next_in[1] != 0x8b) {
    const uint64_t position = r.file_size - unread(r);
    throw Failure{CITK_ERR_CORRUPT, r.delivered == r.pixel_bytes
        ? "trailing data after the gzip stream (" + std::to_string(unread(r)) + " bytes)"
        : "corrupt compressed data: not a gzip member at byte " + std::to_string(position)};
  }
  // Reset keeps next_in/avail_in; it clears the gzip flag, which makes the member's header and CRC checked.
  isal_inflate_reset(&r.z);
  r.z.crc_flag = ISAL_GZIP;
  r.member_open = true;
  return true;
}

/// Inflates up to `count` bytes into `out`; returns how many (fewer only at a clean end of the gzip stream).
size_t inflate_some(citk_stream_reader &r, unsigned char *out, size_t count) {
  size_t produced = 0;
  while (produced < count) {
    if (!r.member_open && !begin_member(r)) break;
    r.z.next_out = out + produced;
    r.z.avail_out = static_cast<uint32_t>(std::min<size_t>(count - produced, 1u << 30));
    const uint32_t before = r.z.avail_out;
    const int code = isal_inflate(&r.z);
    produced += before - r.z.avail_out;
    if (code < 0) {
      const char *reason = code == ISAL_INCORRECT_CHECKSUM ? "incorrect data check"
                           : code == ISAL_INVALID_WRAPPER || code == ISAL_UNSUPPORTED_METHOD ? "invalid gzip header"
                                                                                             : "invalid deflate data";
      throw Failure{CITK_ERR_CORRUPT, std::string("corrupt compressed data (") + reason + ") near byte " +
                                          std::to_string(r.file_size - unread(r))};
    }
    if (r.z.block_state == ISAL_BLOCK_FINISH) {
      r.member_open = false;
    } else if (r.z.avail_in == 0 && produced < count && !refill(r)) {
      // inflate has used every byte and wants more, but the file has ended inside the member.
      throw Failure{CITK_ERR_CORRUPT, "truncated: the gzip stream ends inside a member"};
    }
  }
  return produced;
}

/// Copies up to `count` bytes of an uncompressed file into `out`; returns how many (fewer only at the end of the file).
size_t copy_some(citk_stream_reader &r, unsigned char *out, size_t count) {
  size_t produced = 0;
  while (produced < count) {
    if (r.available == 0 && !refill(r)) break;
    const size_t piece = std::min(r.available, count - produced);
    std::memcpy(out + produced, r.next, piece);
    r.next += piece;
    r.available -= piece;
    produced += piece;
  }
  return produced;
}

size_t get(citk_stream_reader &r, unsigned char *out, size_t count) {
  return r.compressed ? inflate_some(r, out, count) : copy_some(r, out, count);
}

void open_reader(citk_stream_reader &r, const char *path, const citk_header &expected, bool &supported) {
  r.fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r.fd < 0) throw Failure{errno == ENOENT ? CITK_ERR_NOT_FOUND : CITK_ERR_IO, std::string("cannot open: ") + std::strerror(errno)};
  struct stat info {};
  if (fstat(r.fd, &info) != 0) throw Failure{CITK_ERR_IO, std::string("cannot read the file size: ") + std::strerror(errno)};
  r.file_size = static_cast<uint64_t>(info.st_size);
  posix_fadvise(r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (!refill(r)) throw Failure{CITK_ERR_CORRUPT, "empty file"};
  r.compressed = r.available >= 2 && r.input[0] == 0x1f && r.input[1] == 0x8b;
  if (r.compressed) {
    isal_inflate_init(&r.z);
    r.z.next_in = r.input.data();
    r.z.avail_in = static_cast<uint32_t>(r.available);
  }
  unsigned char raw[348];
  if (get(r, raw, sizeof raw) != sizeof raw) throw Failure{CITK_ERR_CORRUPT, "truncated: shorter than a NIfTI-1 header"};
  citk::Nifti1Header layout;
  supported = false;
  if (!citk::parse_nifti1(raw, layout)) return; // NIfTI-2 or another format: the caller reads it whole through ITK
  if (!citk::stores_pixels_as_is(layout, expected)) return;
  for (uint32_t axis = 0; axis < expected.dimension; ++axis) {
    const uint64_t size = axis + 1 <= static_cast<uint32_t>(std::max<int16_t>(layout.dim[0], 0)) ? static_cast<uint64_t>(layout.dim[axis + 1]) : 1;
    if (size != expected.size[axis]) throw Failure{CITK_ERR_CORRUPT, "the file changed while it was being read"};
  }
  // Extensions up to vox_offset, skipped in pieces (a corrupt offset must not make us allocate what it claims).
  unsigned char skip[4096];
  for (uint64_t left = static_cast<uint64_t>(layout.vox_offset) - 348; left > 0;) {
    const size_t piece = static_cast<size_t>(std::min<uint64_t>(left, sizeof skip));
    if (get(r, skip, piece) != piece) throw Failure{CITK_ERR_CORRUPT, "truncated: the file ends before the pixel data"};
    left -= piece;
  }
  r.pixel_bytes = citk::pixel_bytes_of(expected);
  const uint64_t width = citk::component_bytes(expected.pixel_type);
  r.swap_width = layout.swap && width > 1 ? static_cast<size_t>(width) : 0;
  supported = true;
}

} // namespace

extern "C" citk_status citk_stream_open(const char *path, const citk_header *expected, citk_stream_reader **out,
                                        char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (path == nullptr || expected == nullptr || out == nullptr) throw Failure{CITK_ERR_INVALID_ARGUMENT, "missing argument"};
    *out = nullptr;
    auto *reader = new citk_stream_reader();
    bool supported = false;
    try {
      open_reader(*reader, path, *expected, supported);
    } catch (...) {
      delete reader;
      throw;
    }
    if (supported) *out = reader; else delete reader;
    return CITK_OK;
  });
}

extern "C" citk_status citk_stream_read(citk_stream_reader *reader, void *buffer, size_t bytes, char *message,
                                        size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (reader == nullptr || (buffer == nullptr && bytes > 0)) throw Failure{CITK_ERR_INVALID_ARGUMENT, "missing reader or buffer"};
    if (bytes > reader->pixel_bytes - reader->delivered) throw Failure{CITK_ERR_INVALID_ARGUMENT, "read past the pixel data"};
    auto *out = static_cast<unsigned char *>(buffer);
    const size_t got = get(*reader, out, bytes);
    if (got < bytes) {
      throw Failure{CITK_ERR_CORRUPT, "truncated: " + std::to_string(reader->delivered + got) + " of " +
                                          std::to_string(reader->pixel_bytes) + " pixel bytes in the file"};
    }
    reader->delivered += bytes;
    if (reader->swap_width > 1) {
      for (size_t at = 0; at + reader->swap_width <= bytes; at += reader->swap_width) std::reverse(out + at, out + at + reader->swap_width);
    }
    return CITK_OK;
  });
}

extern "C" citk_status citk_stream_finish(citk_stream_reader *reader, char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (reader == nullptr) throw Failure{CITK_ERR_INVALID_ARGUMENT, "missing reader"};
    if (reader->delivered != reader->pixel_bytes) throw Failure{CITK_ERR_INVALID_ARGUMENT, "finished before the last pixel"};
    if (!reader->compressed) return CITK_OK; // an uncompressed NIfTI may carry data after its pixels
    // Inflate the rest: CRCs and lengths of the last member, any further (empty) members, nothing else.
    unsigned char scratch[4096];
    if (get(*reader, scratch, sizeof scratch) > 0) throw Failure{CITK_ERR_CORRUPT, "more pixel data than the header declares"};
    return CITK_OK;
  });
}

extern "C" void citk_stream_close(citk_stream_reader *reader) { delete reader; }
