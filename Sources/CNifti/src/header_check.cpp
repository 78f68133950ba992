// Checks on raw NIfTI-1 headers, made before ITK parses them.
//
// ITK 5.2's NiftiImageIO repairs or misreads what it should refuse: a pixdim of 0 or NaN becomes 1 mm, a negative or
// huge one gives a misleading "orthonormal direction cosines" error, a NaN in the sform or quaternion aborts the
// process inside VNL, a wrong magic is read as ANALYZE, a bitpix that contradicts the datatype is ignored in one
// reader and not in another, and an uncompressed file shorter than its header claims is read short. A header with
// such fields is corrupt, and the user is told so in those words. The caller reads the 348-byte header (cnifti_inspect)
// and this checks it before ITK sees it.
#include "header_check.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <strings.h>
#include <sys/stat.h>

namespace cnifti {

namespace {

/// Spatial spacing outside this range (mm) is not a real scan: a corrupt header, or a unit mix-up of 10^6.
constexpr double min_spacing = 1e-6, max_spacing = 1e6;
/// Positions beyond 10^9 mm (1000 km) from the scanner's origin are corrupt.
constexpr double max_position = 1e9;
/// deflate cannot compress better than 1032:1.
constexpr uint64_t deflate_ratio = 1032, slack = 64 * 1024;

bool ends_with(const std::string &path, const char *suffix) {
  const size_t m = std::strlen(suffix);
  return path.size() >= m && strncasecmp(path.c_str() + path.size() - m, suffix, m) == 0;
}

std::string list(const float *values, int count) {
  std::ostringstream text;
  text << "(";
  for (int i = 0; i < count; ++i) text << (i ? ", " : "") << values[i];
  text << ")";
  return text.str();
}

bool finite_within(const float *values, int count, double bound) {
  for (int i = 0; i < count; ++i) {
    if (!(std::isfinite(values[i]) && std::fabs(values[i]) <= bound)) return false;
  }
  return true;
}

std::string human_bytes(uint64_t bytes) {
  std::ostringstream text;
  text.precision(3);
  if (bytes < 1024) text << bytes << " B";
  else if (bytes < (1u << 20)) text << bytes / 1024.0 << " KiB";
  else if (bytes < (1u << 30)) text << bytes / 1048576.0 << " MiB";
  else text << bytes / 1073741824.0 << " GiB";
  return text.str();
}

/// Size of a regular file, or -1 when it cannot be told.
int64_t regular_file_size(const std::string &path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return -1;
  return static_cast<int64_t>(info.st_size);
}

bool starts_gzip(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  unsigned char magic[2] = {0, 0};
  const size_t got = std::fread(magic, 1, 2, file);
  std::fclose(file);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/// The header's claim in words: "20 x 18 x 12 voxels of 16 bits (8.4 KiB)".
std::string claim(const Nifti1Header &h, uint64_t stored) {
  std::ostringstream text;
  for (int axis = 1; axis <= h.dim[0]; ++axis) text << (axis > 1 ? " x " : "") << h.dim[axis];
  text << " voxels of " << h.bitpix << " bits (" << human_bytes(stored) << ")";
  return text.str();
}

/// The data of a single file or a .hdr/.img pair must fit in the file that holds it: exactly for uncompressed data,
/// within deflate's best ratio for compressed data.
void check_data_size(const std::string &path, const Nifti1Header &h, bool single, bool single_compressed) {
  const uint64_t stored = nifti_stored_bytes(h);
  if (stored == 0) throw Failure{CNIFTI_ERR_TOO_LARGE, "header claims " + claim(h, 0) + ", which overflows 64-bit byte counts"};
  std::string data = path;
  uint64_t start = static_cast<uint64_t>(h.vox_offset);
  if (!single) {
    const std::string stem = path.substr(0, path.size() - (ends_with(path, ".hdr.gz") ? 7 : 4));
    start = 0;
    data.clear();
    for (const char *ending : {".img", ".img.gz", ".IMG"}) {
      if (regular_file_size(stem + ending) >= 0) {
        data = stem + ending;
        break;
      }
    }
    if (data.empty()) return; // ITK names the missing data file
  }
  const int64_t size = regular_file_size(data);
  if (size < 0) return;
  const std::string where = single ? "the file" : "its data file";
  if (single ? single_compressed : starts_gzip(data)) {
    if (stored / deflate_ratio > static_cast<uint64_t>(size) + slack) {
      throw Failure{CNIFTI_ERR_CORRUPT, "header claims " + claim(h, stored) + " but " + where + " holds only " +
                                          human_bytes(static_cast<uint64_t>(size)) + ": corrupt header or truncated file"};
    }
  } else if (start + stored > static_cast<uint64_t>(size) || start + stored < stored) {
    throw Failure{CNIFTI_ERR_CORRUPT, "truncated: the pixel data needs " + std::to_string(start + stored) +
                                        " bytes on disk but " + where + " has " + std::to_string(size)};
  }
}

} // namespace

bool check_nifti_header(const char *path, const unsigned char *header, size_t got, bool compressed,
                        Nifti1Header &raw) {
  if (got < 4) return false; // not even sizeof_hdr: ITK reports it
  const int32_t sizeof_hdr = nifti_sizeof_hdr(header);
  if (sizeof_hdr == 540) return false; // NIfTI-2: left to ITK
  if (sizeof_hdr != 348) {
    throw Failure{CNIFTI_ERR_CORRUPT, "not a NIfTI-1 header: sizeof_hdr is " + std::to_string(sizeof_hdr) + ", not 348"};
  }
  if (got != 348) {
    throw Failure{CNIFTI_ERR_CORRUPT, "truncated: " + std::to_string(got) + " bytes, shorter than a NIfTI-1 header (348)"};
  }
  parse_nifti1(header, raw);
  const std::string name = path;
  const bool single_name = ends_with(name, ".nii") || ends_with(name, ".nii.gz");
  const bool single = std::memcmp(raw.magic, "n+1", 4) == 0;
  const bool pair = std::memcmp(raw.magic, "ni1", 4) == 0;
  if (single_name && !single && !pair) {
    std::string shown;
    for (char c : raw.magic) shown += (c >= 32 && c < 127) ? std::string(1, c) : "\\x" + std::to_string(static_cast<unsigned char>(c));
    throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI magic must be \"n+1\", not \"" + shown + "\""};
  }
  if (!single && !pair) return false; // an ANALYZE 7.5 .hdr: left to ITK
  const int16_t dims = raw.dim[0];
  if (dims < 1 || dims > 7) {
    throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI dim[0] must be 1 to 7, not " + std::to_string(dims)};
  }
  std::ostringstream sizes;
  bool bad_size = false;
  sizes << "(";
  for (int axis = 1; axis <= dims; ++axis) {
    const int16_t n = raw.dim[axis];
    if (n < 1) bad_size = true;
    sizes << (axis > 1 ? ", " : "") << n;
  }
  sizes << ")";
  if (bad_size) throw Failure{CNIFTI_ERR_CORRUPT, "sizes (NIfTI dim) must be at least 1, not " + sizes.str()};
  const int bits = bits_of_datatype(raw.datatype);
  if (bits == 0) throw Failure{CNIFTI_ERR_UNSUPPORTED_FORMAT, "unknown NIfTI datatype " + std::to_string(raw.datatype)};
  if (raw.bitpix != bits) {
    throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI bitpix " + std::to_string(raw.bitpix) + " contradicts datatype " +
                                        std::to_string(raw.datatype) + " (" + std::to_string(bits) + " bits)"};
  }
  const int spatial = dims < 3 ? dims : 3;
  for (int axis = 1; axis <= spatial; ++axis) {
    const float pixdim = raw.pixdim[axis];
    if (!(std::isfinite(pixdim) && pixdim > 0)) {
      throw Failure{CNIFTI_ERR_CORRUPT, "spacing (NIfTI pixdim) must be finite and > 0, not " + list(raw.pixdim + 1, spatial)};
    }
    if (pixdim < min_spacing || pixdim > max_spacing) {
      throw Failure{CNIFTI_ERR_CORRUPT, "spacing (NIfTI pixdim) must be between 1e-06 and 1e+06 mm, not " +
                                          list(raw.pixdim + 1, spatial)};
    }
  }
  if (raw.qform_code > 0) {
    if (!finite_within(raw.quatern, 3, 1.0 + 1e-4)) {
      throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI quaternion (quatern_b, c, d) must be finite and at most 1, not " + list(raw.quatern, 3)};
    }
    if (!finite_within(raw.qoffset, 3, max_position)) {
      throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI qoffset must be finite and within 1e9 mm, not " + list(raw.qoffset, 3)};
    }
  }
  if (raw.sform_code > 0) {
    if (!finite_within(raw.srow, 12, max_position)) {
      throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI sform (srow_x, srow_y, srow_z) must be finite and within 1e9 mm, not " +
                                          list(raw.srow, 12)};
    }
  }
  if (single) {
    if (!(std::isfinite(raw.vox_offset) && raw.vox_offset >= 348 && raw.vox_offset <= 1e12f)) {
      throw Failure{CNIFTI_ERR_CORRUPT, "NIfTI vox_offset must be at least 348, not " + std::to_string(raw.vox_offset)};
    }
  }
  check_data_size(name, raw, single, compressed);
  return true;
}

} // namespace cnifti
