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

/** DICOM (through GDCM, the library ITK's GDCMImageIO is built on). Policy stays in the caller: CITK only reports
 *  what files say and hands over their stored pixel values. Debian's GDCM asserts (aborts) on some malformed files,
 *  so every call parses its files in a forked child process that reports through shared memory: a file that crashes
 *  or stalls the library fails alone (its status CITK_ERR_CORRUPT, its message saying so), the caller survives.
 *  These functions return CITK_OK unless no child process could be started; each file's outcome is in
 *  `statuses[i]`, its one-line reason in `messages + i * message_capacity`.
 *
 *  citk_dicom_tags: reads each of the `count` DICOM Part-10 files up to its pixel data and writes the values of
 *  `tags` (each (group << 16) | element) as text, in order, separated by the byte 0x1F (a missing element gives an
 *  empty value), to `out + i * text_capacity`. Binary VRs are written as decimal text, multiple values separated by
 *  backslashes, as in DICOM. `has_pixels[i]` is 1 when the file has a PixelData element. A file that is not DICOM
 *  gets CITK_ERR_UNSUPPORTED_FORMAT. */
citk_status citk_dicom_tags(const char *const *paths, size_t count, const uint32_t *tags, size_t tag_count, char *out,
                            size_t text_capacity, int32_t *has_pixels, int32_t *statuses, char *messages,
                            size_t message_capacity, char *message, size_t message_capacity_all);

/** Decodes the pixel data of each of `count` DICOM files (any transfer syntax GDCM decodes: uncompressed, RLE,
 *  JPEG, JPEG-LS, JPEG 2000) into `buffer + i * bytes_each`: the stored values of every frame, rows x columns x
 *  samples x frames, in the file's bits allocated, native byte order, no rescale applied. A file whose decoded
 *  length is not `bytes_each` fails. */
citk_status citk_dicom_read_pixels(const char *const *paths, size_t count, void *buffer, size_t bytes_each,
                                   int32_t *statuses, char *messages, size_t message_capacity, char *message,
                                   size_t message_capacity_all);

/** The grid GDCM gives a (multi-frame) DICOM file, as ITK's DICOM reader places it: voxels per axis (columns,
 *  rows, frames), spacing (mm), origin (LPS mm) and row-major direction cosines (the third column the slice
 *  normal). */
citk_status citk_dicom_frame_geometry(const char *path, uint32_t size[3], double spacing[3], double origin[3],
                                      double direction[9], char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif /* CITK_H */
