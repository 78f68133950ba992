#ifndef CITK_NIFTI_PIXELS_HPP
#define CITK_NIFTI_PIXELS_HPP

#include "citk_guard.hpp"

namespace citk {

/// Reads the pixels of a plain NIfTI-1 file (`.nii` or `.nii.gz`, scalar, unscaled, of type `expected`) straight
/// into `buffer` (a `.nii.gz` inflated member by member with libdeflate, a `.nii` read through zlib's gzread, which
/// passes plain files through), requiring every byte and every gzip member's CRC and length. Returns false, having read nothing,
/// when the file needs ITK's conversions (scaling, vector intent, RGB, a type other than `expected`).
///
/// Why: ITK 5.2's NIfTI reader returns a silently short volume when a `.nii.gz` is truncated.
/// `slack_bytes` more are writable after `buffer` (a single-member .nii.gz is inflated with its header, then shifted).
bool read_plain_nifti_pixels(const char *path, const citk_header &expected, void *buffer, size_t buffer_bytes,
                             size_t slack_bytes);

/// After ITK has read a NIfTI file, reads its stream to the end so that zlib checks that it is whole, its gzip CRC
/// valid, and that it holds all the pixel data its header declares; throws CORRUPT otherwise.
void verify_nifti_stream(const char *path);

} // namespace citk

#endif
