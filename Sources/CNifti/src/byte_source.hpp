// The one inflater: a file's bytes read forward, through ISA-L's streaming igzip when the file is gzip (one or many
// members), copied as they are otherwise. Whole reads and slab streaming both use it.
#ifndef CNIFTI_BYTE_SOURCE_HPP
#define CNIFTI_BYTE_SOURCE_HPP

#include "fence.hpp"

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <vector>

namespace cnifti {

class ByteSource {
public:
  /// Opens `path` once; `*regular` is false (and nothing is read) when it is not a regular file, which is left to ITK.
  /// Throws NOT_FOUND or IO when it cannot be opened.
  ByteSource(const char *path, bool *regular);
  ~ByteSource();
  ByteSource(const ByteSource &) = delete;
  ByteSource &operator=(const ByteSource &) = delete;

  /// Reads up to `count` bytes of the (inflated) stream into `out`; fewer only at a clean end of the stream. Throws
  /// CORRUPT for a cut member, a wrong CRC or length, invalid deflate data, or bytes after a member that do not start
  /// another member (`complete` says whether the caller had all it needed, to word that error).
  size_t get(unsigned char *out, size_t count, bool complete = false);

  /// Reads to the end of the stream, checking every member; returns how many bytes it produced.
  uint64_t drain(bool complete);

  /// Skips `count` bytes in pieces (a corrupt offset must not make us allocate what it claims); false at an early end.
  bool skip(uint64_t count);

  bool compressed() const { return compressed_; }
  /// Size of the file on disk.
  uint64_t file_size() const { return file_size_; }

private:
  bool refill();
  uint64_t unread() const;
  bool begin_member(bool complete);
  size_t inflate_some(unsigned char *out, size_t count, bool complete);
  size_t copy_some(unsigned char *out, size_t count);

  int fd_ = -1;
  uint64_t file_size_ = 0;
  uint64_t file_consumed_ = 0; // bytes read from the file into `input_`
  bool compressed_ = false;
  inflate_state z_{};
  bool member_open_ = false;   // inside a gzip member: inflate has not reached its end
  std::vector<unsigned char> input_;
  const unsigned char *next_ = nullptr; // unread bytes of `input_` (the uncompressed path's cursor)
  size_t available_ = 0;
};

} // namespace cnifti

#endif
