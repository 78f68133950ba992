// Reading gzip streams with libdeflate (about 2-3x zlib's inflate speed, reference/compression.md), member by member,
// for plain .nii.gz files: every member's CRC and length are checked, a cut member is an error, and so is anything
// after the last member that is not another member (zlib's gzread silently ignores such trailing garbage).
#include "citk_gzip_read.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

/// A read-only mapping of a whole file, unmapped on scope exit.
struct Mapping {
  const unsigned char *bytes = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (bytes != nullptr && size > 0) munmap(const_cast<unsigned char *>(bytes), size);
  }
};

void map_file(const char *path, Mapping &mapping) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw citk::Failure{CITK_ERR_IO, std::string("cannot open: ") + std::strerror(errno)};
  struct stat info {};
  if (fstat(fd, &info) != 0 || info.st_size <= 0) {
    close(fd);
    throw citk::Failure{CITK_ERR_IO, "cannot read the file size"};
  }
  void *address = mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (address == MAP_FAILED) throw citk::Failure{CITK_ERR_IO, std::string("cannot map: ") + std::strerror(errno)};
  madvise(address, static_cast<size_t>(info.st_size), MADV_SEQUENTIAL);
  mapping.bytes = static_cast<const unsigned char *>(address);
  mapping.size = static_cast<size_t>(info.st_size);
}

/// Why a gzip member failed, told by zlib (only on the error path): "truncated" when the input ends before the
/// member does, otherwise zlib's reason (e.g. "incorrect data check" for a wrong CRC).
std::string diagnose_member(const unsigned char *bytes, size_t size) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return "corrupt compressed data";
  std::string sink(1 << 16, '\0');
  stream.next_in = const_cast<unsigned char *>(bytes);
  stream.avail_in = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
  int code = Z_OK;
  while (code == Z_OK) {
    stream.next_out = reinterpret_cast<unsigned char *>(sink.data());
    stream.avail_out = static_cast<uInt>(sink.size());
    code = inflate(&stream, Z_NO_FLUSH);
  }
  const std::string reason = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (code == Z_BUF_ERROR || (code == Z_OK && stream.avail_in == 0)) return "truncated: the gzip stream ends inside a member";
  return "corrupt compressed data (" + (reason.empty() ? std::string("invalid deflate data") : reason) + ")";
}

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor *d) const { libdeflate_free_decompressor(d); }
};

} // namespace

namespace citk {

void inflate_nifti_gz(const char *path, uint64_t vox_offset, void *buffer, size_t buffer_bytes, size_t slack_bytes) {
  Mapping file;
  map_file(path, file);
  std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  if (!d) throw Failure{CITK_ERR_TOO_LARGE, "cannot allocate a decompressor"};
  auto *out = static_cast<unsigned char *>(buffer);
  const uint64_t total = vox_offset + buffer_bytes;
  std::string scratch(65536, '\0');
  uint64_t produced = 0; // stream bytes produced so far (header included)
  size_t position = 0;
  while (position < file.size) {
    if (file.size - position < 18 || file.bytes[position] != 0x1f || file.bytes[position + 1] != 0x8b) {
      throw Failure{CITK_ERR_CORRUPT, produced == total
          ? "trailing data after the gzip stream (" + std::to_string(file.size - position) + " bytes)"
          : "corrupt compressed data: not a gzip member at byte " + std::to_string(position)};
    }
    size_t used = 0, got = 0;
    libdeflate_result result;
    if (produced < vox_offset) {
      // Still in the header: a member that fits the scratch is copied past vox_offset; a larger one (a single-member
      // file) is inflated into the pixel buffer plus slack and shifted left past the header.
      result = libdeflate_gzip_decompress_ex(d.get(), file.bytes + position, file.size - position, scratch.data(),
                                             scratch.size(), &used, &got);
      if (result == LIBDEFLATE_SUCCESS) {
        const uint64_t skip = std::min<uint64_t>(got, vox_offset - produced);
        if (got - skip > buffer_bytes) throw Failure{CITK_ERR_CORRUPT, "more pixel data than the header declares"};
        std::memcpy(out, scratch.data() + skip, got - skip);
      } else if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
        const uint64_t skip = vox_offset - produced;
        if (skip > slack_bytes) throw Failure{CITK_ERR_INTERNAL, "NIfTI extensions larger than the read slack"};
        result = libdeflate_gzip_decompress_ex(d.get(), file.bytes + position, file.size - position, out,
                                               buffer_bytes + skip, &used, &got);
        if (result == LIBDEFLATE_SUCCESS) {
          if (got < skip) throw Failure{CITK_ERR_CORRUPT, "gzip member shorter than the NIfTI header"};
          std::memmove(out, out + skip, got - skip);
        }
      }
    } else {
      result = libdeflate_gzip_decompress_ex(d.get(), file.bytes + position, file.size - position,
                                             out + (produced - vox_offset), total - produced, &used, &got);
    }
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) throw Failure{CITK_ERR_CORRUPT, "more pixel data than the header declares"};
    if (result != LIBDEFLATE_SUCCESS) {
      throw Failure{CITK_ERR_CORRUPT, diagnose_member(file.bytes + position, file.size - position) + " (member at byte " +
                                          std::to_string(position) + ")"};
    }
    produced += got;
    position += used;
  }
  if (produced < total) {
    throw Failure{CITK_ERR_CORRUPT, "truncated: " + std::to_string(produced > vox_offset ? produced - vox_offset : 0) +
                                        " of " + std::to_string(buffer_bytes) + " pixel bytes in the file"};
  }
}

} // namespace citk
