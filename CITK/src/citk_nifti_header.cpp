// citk_nifti_header: the NIfTI-1 header exactly as ITK's NiftiImageIO writes it, for the fast .nii.gz writer.
//
// ITK 5.2 offers no call that produces a NIfTI header without writing the whole image, and nifticlib's qform/sform
// choices are ITK's to make. So ITK writes a one-voxel image with the same geometry, type and components, and we keep
// its header with the real sizes in dim[]: writing images of different sizes and comparing their headers byte by byte
// showed that dim[1..n] (bytes 42-49) are the only bytes that depend on the size.
#include "citk_guard.hpp"
#include "citk_pixel.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" citk_status citk_nifti_header(const citk_header *header, const char *scratch_path, void *out,
                                         size_t out_capacity, size_t *out_size, char *message,
                                         size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_IO, [&] {
    if (header == nullptr || scratch_path == nullptr || out == nullptr || out_size == nullptr) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "missing header, path or buffer"};
    }
    for (uint32_t axis = 0; axis < header->dimension; ++axis) {
      if (header->size[axis] > 32767) {
        throw citk::Failure{CITK_ERR_TOO_LARGE, "NIfTI-1 holds at most 32767 voxels per axis, not " +
                                                    std::to_string(header->size[axis])};
      }
    }
    // One voxel per axis, same geometry, type and components: ITK writes the header we want and almost no data.
    citk_header tiny = *header;
    for (uint32_t axis = 0; axis < tiny.dimension; ++axis) tiny.size[axis] = 1;
    tiny.pixel_bytes = citk::pixel_bytes_of(tiny);
    if (tiny.pixel_bytes == 0) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "unknown pixel type"};
    std::vector<unsigned char> voxel(tiny.pixel_bytes, 0);
    char inner[512];
    if (citk_write(scratch_path, &tiny, voxel.data(), voxel.size(), 0, inner, sizeof inner) != CITK_OK) {
      throw citk::Failure{CITK_ERR_IO, std::string("cannot write the NIfTI header: ") + inner};
    }
    std::FILE *file = std::fopen(scratch_path, "rb");
    if (file == nullptr) throw citk::Failure{CITK_ERR_IO, "cannot read back the NIfTI header"};
    std::vector<unsigned char> bytes(out_capacity);
    const size_t got = std::fread(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
    std::remove(scratch_path);
    if (got < 352) throw citk::Failure{CITK_ERR_INTERNAL, "ITK wrote a NIfTI header shorter than 352 bytes"};
    float vox_offset = 0;
    std::memcpy(&vox_offset, bytes.data() + 108, sizeof vox_offset);
    const size_t length = static_cast<size_t>(vox_offset);
    if (length < 352 || length > got) throw citk::Failure{CITK_ERR_INTERNAL, "unexpected vox_offset in ITK's NIfTI header"};
    for (uint32_t axis = 0; axis < header->dimension; ++axis) {
      const int16_t n = static_cast<int16_t>(header->size[axis]);
      std::memcpy(bytes.data() + 42 + 2 * axis, &n, sizeof n);
    }
    std::memcpy(out, bytes.data(), length);
    *out_size = length;
    return CITK_OK;
  });
}
