/* CNifti: Harmonize's own fast path for single-file NIfTI-1 (.nii, .nii.gz), in C ABI with C++ inside, without ITK.
 *
 * One header parser, one header check, one inflater (ISA-L igzip, streaming, used for whole and piecewise reads
 * alike), one gzip member compressor (ISA-L level 1, libdeflate 2-12). ITK stays the reader of geometry and of every
 * other format (CITK); this component reads what ITK 5.2 reads wrongly or slowly: corrupt header fields that ITK
 * repairs or aborts on, truncated or corrupt gzip streams that ITK reads short without a word, and plain pixels at
 * inflate speed.
 *
 * Every call returns a cnifti_status and, on failure, a NUL-terminated one-line reason in the caller's buffer. No C++
 * exception crosses this ABI. Nothing here allocates voxel memory for the caller.
 */
#ifndef CNIFTI_H
#define CNIFTI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  CNIFTI_OK = 0,
  CNIFTI_ERR_NOT_FOUND,          /* the path does not exist */
  CNIFTI_ERR_UNSUPPORTED_FORMAT, /* not a NIfTI-1 file, or a datatype NIfTI-1 does not define */
  CNIFTI_ERR_CORRUPT,            /* header fields no real scan has, a cut or corrupt stream, a wrong length */
  CNIFTI_ERR_TOO_LARGE,          /* the header's byte count overflows 64 bits */
  CNIFTI_ERR_IO,                 /* reading failed (permissions, ...) */
  CNIFTI_ERR_INVALID_ARGUMENT,   /* the caller passed something inconsistent */
  CNIFTI_ERR_INTERNAL            /* anything else */
} cnifti_status;

/** Component type of a pixel, numbered as CITK numbers them (citk_pixel_type). */
typedef enum {
  CNIFTI_UNKNOWN = 0,
  CNIFTI_U8 = 1, CNIFTI_I8, CNIFTI_U16, CNIFTI_I16, CNIFTI_U32, CNIFTI_I32, CNIFTI_U64, CNIFTI_I64, CNIFTI_F32, CNIFTI_F64
} cnifti_pixel_type;

/** The pixel layout a caller expects (from ITK's reading of the same header): axes, sizes, type, components. */
typedef struct {
  uint32_t dimension;
  uint64_t size[4];
  cnifti_pixel_type pixel_type;
  uint32_t components;
} cnifti_layout;

/** A NIfTI-1 file's two spatial transforms as stored: voxel (i, j, k) to RAS mm, row-major 3 x 4 (rows x, y, z; the
 *  last column is the translation). The qform is rebuilt from quatern_b/c/d, qoffset, pixdim and qfac as the NIfTI-1
 *  standard says; the sform is srow_x/y/z. A code of 0 means the transform is not set. */
typedef struct {
  int16_t qform_code;
  int16_t sform_code;
  double qform[12];
  double sform[12];
} cnifti_transforms;

/** Checks a NIfTI-1 header (`.nii`, `.nii.gz`, `.hdr`) before ITK parses it, in one open: magic, dim, datatype against
 *  bitpix, pixdim (finite, 1e-6..1e6 mm), quaternion and sform (finite, within 1e9 mm), vox_offset, and the stored
 *  bytes against the size of the file that holds them. `*is_nifti1` is 0 (and the call OK) when the file is not a
 *  NIfTI-1 header at all (NIfTI-2, ANALYZE, another format, not a regular file): ITK then decides. On success for a
 *  NIfTI-1 file, `*transforms` receives its qform and sform. */
cnifti_status cnifti_inspect(const char *path, int *is_nifti1, cnifti_transforms *transforms, char *message,
                             size_t message_capacity);

/** A forward-only reader of a single-file NIfTI-1's pixel bytes: whole reads and slab streaming alike. */
typedef struct cnifti_reader cnifti_reader;

/** Opens `path` (`.nii`, or `.nii.gz` of one or many gzip members) and reads its header; on CNIFTI_OK, `*out` is the
 *  reader positioned at the first pixel byte, or NULL when the stored bytes are not `expected`'s pixels as they are
 *  (scaled, vector intent, another stored type, NIfTI-2): the caller then reads through ITK. Never maps the file; keeps
 *  a 1 MiB read buffer and the inflater's state. Close with cnifti_reader_close. */
cnifti_status cnifti_reader_open(const char *path, const cnifti_layout *expected, cnifti_reader **out, char *message,
                                 size_t message_capacity);

/** Reads the next `bytes` pixel bytes into `buffer`, in this machine's byte order. A file that ends early or whose
 *  compressed data is invalid fails with CNIFTI_ERR_CORRUPT. */
cnifti_status cnifti_reader_read(cnifti_reader *reader, void *buffer, size_t bytes, char *message,
                                 size_t message_capacity);

/** After the last pixel byte: inflates the rest of a `.nii.gz` so that every member's CRC and length are checked; more
 *  pixel data than declared, or anything after the last member that is not a gzip member, is CNIFTI_ERR_CORRUPT. */
cnifti_status cnifti_reader_finish(cnifti_reader *reader, char *message, size_t message_capacity);

/** Frees a reader (NULL is allowed). */
void cnifti_reader_close(cnifti_reader *reader);

/** Reads a single-file NIfTI-1's whole stream after ITK has read it (scaled or converted pixels), checking that it is
 *  whole: every gzip member's CRC and length, nothing but members after the last, and at least the pixel data its
 *  header declares (ITK 5.2 fills a short stream's missing voxels with zeros). OK for files that are not NIfTI-1. */
cnifti_status cnifti_verify_stream(const char *path, char *message, size_t message_capacity);

/** Largest gzip member `cnifti_gzip_member` can produce from `in_bytes` bytes. */
size_t cnifti_gzip_bound(size_t in_bytes);

/** Compresses `in` into one complete gzip member (header, deflate data, CRC-32, size) at `level` (1..12): level 1 with
 *  ISA-L's igzip (the fastest) from 64 KiB on, 2..12 and smaller members with libdeflate: the same input always gives
 *  the same bytes. Members concatenate into a valid multi-member gzip stream.
 *  Returns the member's size, or 0 if `out` is too small or the level is invalid. Thread-safe. */
size_t cnifti_gzip_member(const void *in, size_t in_bytes, int level, void *out, size_t out_capacity);

/** Whether the calling thread's upper vector register halves are in use (1 or 0; -1 where the CPU cannot say). Every
 *  call above leaves them clean: ISA-L's assembly does not, and SSE code that follows runs over 2x slower until they
 *  are (vector_state.hpp). For tests. */
int cnifti_upper_vector_state_in_use(void);

#ifdef __cplusplus
}
#endif

#endif /* CNIFTI_H */
