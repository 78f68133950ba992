#ifndef CITK_GZIP_READ_HPP
#define CITK_GZIP_READ_HPP

#include "citk_guard.hpp"

namespace citk {
/// Inflates a .nii.gz (one or many gzip members) and places the bytes from `vox_offset` on into `buffer`
/// (`buffer_bytes`, with `slack_bytes` more writable after it for single-member files). Throws CORRUPT when the stream
/// is cut, a CRC or length is wrong, there is more or less data than declared, or garbage follows the last member.
void inflate_nifti_gz(const char *path, uint64_t vox_offset, void *buffer, size_t buffer_bytes, size_t slack_bytes);
} // namespace citk

#endif
