// The one NIfTI-1 header parser: the raw fields, where ITK hides or mishandles them (header checks, direct reads).
#ifndef CNIFTI_NIFTI1_HPP
#define CNIFTI_NIFTI1_HPP

#include "cnifti.h"

#include <cstdint>

namespace cnifti {

struct Nifti1Header {
  bool swap = false;        // stored in the other byte order than this machine's
  int16_t dim[8] = {};      // dim[0] = number of axes, dim[1..] sizes
  int16_t datatype = 0;
  int16_t bitpix = 0;       // bits per voxel (all components of RGB types)
  float pixdim[8] = {};     // pixdim[0] = qfac, pixdim[1..] spacing
  float vox_offset = 0;
  float scl_slope = 0;
  float scl_inter = 0;
  int16_t qform_code = 0;
  int16_t sform_code = 0;
  float quatern[3] = {};    // quatern_b, c, d
  float qoffset[3] = {};    // qoffset_x, y, z (RAS mm)
  float srow[12] = {};      // srow_x, srow_y, srow_z (RAS mm)
  char magic[4] = {};       // "n+1\0" single file, "ni1\0" header + data pair
};

/// Decodes the first 348 bytes of a file (`bytes` holds at least 348); false when they are not a NIfTI-1 header (sizeof_hdr is 348 in neither
/// byte order: NIfTI-2 or another format, left to ITK).
bool parse_nifti1(const unsigned char *bytes, Nifti1Header &out);

/// sizeof_hdr as stored, in whichever byte order gives 348 or 540 (NIfTI-2); the little-endian reading otherwise.
int32_t nifti_sizeof_hdr(const unsigned char *bytes);

/// Whether the file's stored bytes are `expected`'s pixels as they are: one unscaled component of the same type (no
/// scl_slope, no vector intent, a datatype ITK does not convert). Throws CORRUPT for a vox_offset below 348 or absurd.
bool stores_pixels_as_is(const Nifti1Header &layout, const cnifti_layout &expected);

/// CNifti's pixel type for a NIfTI-1 datatype code; CNIFTI_UNKNOWN for RGB, complex and other codes ITK converts.
cnifti_pixel_type pixel_type_of_datatype(int16_t datatype);

/// Bits per voxel a NIfTI-1 datatype code stores (RGB24: 24, complex64: 64, ...); 0 for codes NIfTI-1 does not define.
int bits_of_datatype(int16_t datatype);

/// Bytes of one component of a pixel type; 0 for CNIFTI_UNKNOWN.
uint64_t component_bytes(cnifti_pixel_type type);

/// size x components x component bytes of a layout, or 0 if it does not fit in 64 bits.
uint64_t layout_bytes(const cnifti_layout &layout);

/// Bytes the pixel data occupies on disk: product of dim[1..dim[0]] x bitpix / 8; 0 when it overflows 64 bits.
uint64_t nifti_stored_bytes(const Nifti1Header &layout);

} // namespace cnifti

#endif
