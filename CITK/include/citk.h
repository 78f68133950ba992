/* CITK: a thin C ABI over ITK 5.2 ImageIO. Pixels and headers in and out, nothing else.
 *
 * C only: include nothing from ITK or C++ here. Every call returns a citk_status and, on failure,
 * writes a NUL-terminated one-line reason into the caller's buffer. No C++ exception crosses this ABI.
 * CITK never allocates voxel memory for the caller: the caller reads the header, checks
 * pixel_bytes against its own limits, allocates, and passes the buffer down.
 *
 * Geometry is ITK's: physical space is LPS, in millimetres. The centre of voxel index i is
 * origin + D * diag(spacing) * i, where D is the row-major direction matrix whose column c is the
 * LPS unit vector of voxel axis c.
 */
#ifndef CITK_H
#define CITK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Maximum number of image axes CITK reports (2D, 3D, and 4D images such as time series). */
#define CITK_MAX_DIMENSION 4
/** Capacity of citk_header.format, NUL included. */
#define CITK_FORMAT_CAPACITY 32

typedef enum {
  CITK_OK = 0,
  CITK_ERR_NOT_FOUND,          /* the path does not exist */
  CITK_ERR_UNSUPPORTED_FORMAT, /* no ImageIO reads or writes it, or a pixel kind we do not handle */
  CITK_ERR_CORRUPT,            /* an ImageIO claimed the file but could not make sense of it */
  CITK_ERR_TOO_LARGE,          /* sizes overflow 64 bits, or an allocation inside ITK failed */
  CITK_ERR_IO,                 /* reading or writing bytes failed (permissions, disk full, ...) */
  CITK_ERR_INVALID_ARGUMENT,   /* the caller passed something inconsistent */
  CITK_ERR_INTERNAL            /* anything else, with ITK's or the C++ runtime's text */
} citk_status;

/** Component type of a pixel; numbering is CITK's own, not ITK's. */
typedef enum {
  CITK_UNKNOWN = 0,
  CITK_U8 = 1, CITK_I8, CITK_U16, CITK_I16, CITK_U32, CITK_I32, CITK_U64, CITK_I64, CITK_F32, CITK_F64
} citk_pixel_type;

/** What an image file says about itself, without its pixels. */
typedef struct {
  uint32_t dimension;                        /* number of axes, 2..CITK_MAX_DIMENSION */
  uint64_t size[CITK_MAX_DIMENSION];         /* voxels per axis, fastest-varying first; unused axes 1 */
  double spacing[CITK_MAX_DIMENSION];        /* mm (or the axis' own unit, e.g. time) between voxel centres */
  double origin[CITK_MAX_DIMENSION];         /* LPS mm of the centre of voxel 0 */
  double direction[CITK_MAX_DIMENSION * CITK_MAX_DIMENSION]; /* row-major dimension x dimension cosines */
  citk_pixel_type pixel_type;                /* type of one component */
  uint32_t components;                       /* components per voxel, 1 = scalar */
  uint64_t pixel_bytes;                      /* product of sizes x components x component bytes; 0 if it overflows */
  char format[CITK_FORMAT_CAPACITY];         /* ImageIO that read it, e.g. "NIfTI", "NRRD", "MetaImage" */
} citk_header;

/** Reads the header of `path` without reading its pixels. The corresponding ITK call is
 *  `ImageIOBase::ReadImageInformation`. */
citk_status citk_read_header(const char *path, citk_header *out, char *message, size_t message_capacity);

/** Reads all pixels of `path` into `buffer`, which must hold exactly `expected->pixel_bytes` bytes. The header is read
 *  again first; if it differs from `expected` the call fails with CITK_ERR_CORRUPT (the file changed between the two
 *  calls). The corresponding ITK call is `ImageIOBase::Read`. Single-file NIfTI-1 checks and fast reads are CNifti's
 *  (Sources/CNifti), not CITK's. */
citk_status citk_read_pixels(const char *path, const citk_header *expected, void *buffer, size_t buffer_bytes,
                             char *message, size_t message_capacity);

/** Writes `buffer` (header->pixel_bytes bytes, components interleaved, axis 0 fastest) to exactly `path`.
 *  The format follows the file name's ending. `compression_level` 0 means no compression, 1..9
 *  a deflate level where the format compresses (".nii.gz", NRRD, MetaImage), -1 the format's default.
 *  CITK writes where it is told: temporary names and renames are the caller's policy. */
citk_status citk_write(const char *path, const citk_header *header, const void *buffer, size_t buffer_bytes,
                       int compression_level, char *message, size_t message_capacity);

/** Writes into `out` the NIfTI-1 header (and extension flag bytes, up to vox_offset) that ITK's NiftiImageIO writes
 *  for an image with this header: geometry, qform and sform exactly as ITK sets them. ITK writes a one-voxel image
 *  with the same geometry to `scratch_path` (a .nii name the caller owns and removes), and the sizes are set into
 *  dim[1..]; nothing else in ITK's header depends on the sizes. Fails with CITK_ERR_TOO_LARGE when an axis exceeds
 *  NIfTI-1's 32767 voxels. `*out_size` receives the header's length (vox_offset). */
citk_status citk_nifti_header(const citk_header *header, const char *scratch_path, void *out, size_t out_capacity,
                              size_t *out_size, char *message, size_t message_capacity);

/** What ITK and its libraries (MetaIO, nifticlib, NrrdIO) printed during this thread's last CITK call, as one line
 *  cut to `capacity`; they never print to the terminal. Returns the full length (0: they printed nothing). */
size_t citk_diagnostics(char *out, size_t capacity);

/** Whether some registered ImageIO would write a file with this name (decided by its ending). */
int citk_can_write(const char *path);

#ifdef __cplusplus
}
#endif

#endif /* CITK_H */
