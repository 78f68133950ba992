// citk_read_header, citk_read_pixels and citk_write over itk::ImageIOBase.
#include "citk_guard.hpp"
#include "citk_metaimage_check.hpp"
#include "citk_nifti_alias.hpp"
#include "citk_pixel.hpp"

#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkImageIORegion.h>

#include <cerrno>
#include <cstdio>
#include <vector>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using citk::pixel_bytes_of;
using itk::ImageIOBase;
using IOComponent = itk::CommonEnums::IOComponent;
using IOPixel = itk::CommonEnums::IOPixel;

static_assert(sizeof(double) == 8, "CITK assumes IEEE double");

/// A readable name for the format an ImageIO handles.
std::string format_name(const ImageIOBase &io) {
  const std::string cls = io.GetNameOfClass();
  if (cls == "NiftiImageIO") return "NIfTI";
  if (cls == "NrrdImageIO") return "NRRD";
  if (cls == "MetaImageIO") return "MetaImage";
  if (cls == "VTKImageIO") return "VTK";
  if (cls == "GiplImageIO") return "GIPL";
  if (cls == "PNGImageIO") return "PNG";
  if (cls == "TIFFImageIO") return "TIFF";
  if (cls == "BMPImageIO") return "BMP";
  if (cls == "GDCMImageIO") return "DICOM";
  const std::string suffix = "ImageIO";
  if (cls.size() > suffix.size() && cls.compare(cls.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return cls.substr(0, cls.size() - suffix.size());
  }
  return cls;
}

/// Bytes of one component and CITK's type for an ITK component type; throws for types we do not handle.
citk_pixel_type pixel_type_of(IOComponent component) {
  switch (component) {
  case IOComponent::UCHAR: return CITK_U8;
  case IOComponent::CHAR: return CITK_I8;
  case IOComponent::USHORT: return CITK_U16;
  case IOComponent::SHORT: return CITK_I16;
  case IOComponent::UINT: return sizeof(unsigned int) == 4 ? CITK_U32 : CITK_U64;
  case IOComponent::INT: return sizeof(int) == 4 ? CITK_I32 : CITK_I64;
  case IOComponent::ULONG: return sizeof(unsigned long) == 8 ? CITK_U64 : CITK_U32;
  case IOComponent::LONG: return sizeof(long) == 8 ? CITK_I64 : CITK_I32;
  case IOComponent::ULONGLONG: return CITK_U64;
  case IOComponent::LONGLONG: return CITK_I64;
  case IOComponent::FLOAT: return CITK_F32;
  case IOComponent::DOUBLE: return CITK_F64;
  case IOComponent::LDOUBLE:
  case IOComponent::UNKNOWNCOMPONENTTYPE:
    break;
  }
  throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT,
                      "pixel component type '" + ImageIOBase::GetComponentTypeAsString(component) + "' is not supported"};
}

IOComponent component_of(citk_pixel_type type) {
  switch (type) {
  case CITK_U8: return IOComponent::UCHAR;
  case CITK_I8: return IOComponent::CHAR;
  case CITK_U16: return IOComponent::USHORT;
  case CITK_I16: return IOComponent::SHORT;
  case CITK_U32: return IOComponent::UINT;
  case CITK_I32: return IOComponent::INT;
  case CITK_U64: return sizeof(unsigned long) == 8 ? IOComponent::ULONG : IOComponent::ULONGLONG;
  case CITK_I64: return sizeof(long) == 8 ? IOComponent::LONG : IOComponent::LONGLONG;
  case CITK_F32: return IOComponent::FLOAT;
  case CITK_F64: return IOComponent::DOUBLE;
  case CITK_UNKNOWN: break;
  }
  throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "unknown pixel type"};
}

/// The format a file name's ending belongs to, or "" when no registered ImageIO writes such names.
std::string format_for_name(const char *path) {
  auto io = itk::ImageIOFactory::CreateImageIO(path, itk::CommonEnums::IOFileMode::WriteMode);
  return io ? format_name(*io) : std::string();
}

/// Checks the path exists, is a regular file, can be read and is not empty, then finds the ImageIO that
/// reads it, given `alias`'s name for it (a NIfTI name's links when ITK would look past the file). Every failure
/// names what is wrong.
ImageIOBase::Pointer open_for_read(const char *path, const citk::NiftiAlias &alias) {
  if (path == nullptr || *path == '\0') throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "empty path"};
  struct stat info {};
  if (stat(path, &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw citk::Failure{CITK_ERR_NOT_FOUND, "no such file"};
    throw citk::Failure{CITK_ERR_IO, std::string("cannot access: ") + std::strerror(errno)};
  }
  if (S_ISDIR(info.st_mode)) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "is a directory, not an image file"};
  // A FIFO or a device would block or never end: only regular files (or links to them) are images.
  if (!S_ISREG(info.st_mode)) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "not a regular file (a FIFO, socket or device)"};
  if (access(path, R_OK) != 0) throw citk::Failure{CITK_ERR_IO, std::string("cannot read: ") + std::strerror(errno)};
  const std::string by_name = format_for_name(path);
  if (info.st_size == 0) {
    throw citk::Failure{CITK_ERR_CORRUPT, by_name.empty() ? "empty file" : "empty file, not a valid " + by_name + " image"};
  }
  auto io = itk::ImageIOFactory::CreateImageIO(alias.path().c_str(), itk::CommonEnums::IOFileMode::ReadMode);
  if (!io) {
    if (by_name.empty()) {
      throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT,
                          "unsupported file type: no reader for this name (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr, "
                          "MetaImage .mha/.mhd, VTK, GIPL, PNG, TIFF, BMP, and DICOM Part-10 files, series folders and DICOMDIRs "
                          "are read)"};
    }
    throw citk::Failure{CITK_ERR_CORRUPT, "not a valid " + by_name + " image: its header is not recognised"};
  }
  io->SetFileName(alias.path());
  return io;
}

/// Reads the header through `io` into `out`.
void read_information(ImageIOBase &io, citk_header &out) {
  io.ReadImageInformation();
  std::memset(&out, 0, sizeof out);
  const unsigned dims = io.GetNumberOfDimensions();
  if (dims < 2 || dims > CITK_MAX_DIMENSION) {
    throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT,
                        std::to_string(dims) + "-dimensional images are not supported (2 to 4 axes are)"};
  }
  const IOPixel kind = io.GetPixelType();
  if (kind == IOPixel::COMPLEX || kind == IOPixel::UNKNOWNPIXELTYPE) {
    throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT,
                        "pixel kind '" + ImageIOBase::GetPixelTypeAsString(kind) + "' is not supported"};
  }
  out.dimension = dims;
  for (unsigned axis = 0; axis < CITK_MAX_DIMENSION; ++axis) {
    out.size[axis] = 1;
    out.spacing[axis] = 1.0;
  }
  for (unsigned axis = 0; axis < dims; ++axis) {
    out.size[axis] = io.GetDimensions(axis);
    out.spacing[axis] = io.GetSpacing(axis);
    out.origin[axis] = io.GetOrigin(axis);
    const std::vector<double> column = io.GetDirection(axis);
    for (unsigned row = 0; row < dims; ++row) {
      out.direction[row * dims + axis] = row < column.size() ? column[row] : (row == axis ? 1.0 : 0.0);
    }
  }
  out.pixel_type = pixel_type_of(io.GetComponentType());
  out.components = io.GetNumberOfComponents();
  if (out.components == 0) throw citk::Failure{CITK_ERR_CORRUPT, "header declares zero components per pixel"};
  out.pixel_bytes = pixel_bytes_of(out);
  const std::string name = format_name(io);
  std::strncpy(out.format, name.c_str(), CITK_FORMAT_CAPACITY - 1);
}

bool same_layout(const citk_header &a, const citk_header &b) {
  if (a.dimension != b.dimension || a.pixel_type != b.pixel_type || a.components != b.components) return false;
  for (uint32_t axis = 0; axis < a.dimension; ++axis) {
    if (a.size[axis] != b.size[axis]) return false;
  }
  return true;
}

itk::ImageIORegion whole_region(const citk_header &h) {
  itk::ImageIORegion region(h.dimension);
  for (uint32_t axis = 0; axis < h.dimension; ++axis) {
    region.SetIndex(axis, 0);
    region.SetSize(axis, h.size[axis]);
  }
  return region;
}

void validate_for_write(const citk_header &h, size_t buffer_bytes) {
  if (h.dimension < 2 || h.dimension > CITK_MAX_DIMENSION) {
    throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "dimension must be 2 to 4"};
  }
  if (h.components == 0) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "components must be at least 1"};
  for (uint32_t axis = 0; axis < h.dimension; ++axis) {
    if (h.size[axis] == 0) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "size must be at least 1 on every axis"};
  }
  const uint64_t expected = pixel_bytes_of(h);
  if (expected == 0) throw citk::Failure{CITK_ERR_TOO_LARGE, "image size overflows 64 bits"};
  if (expected != h.pixel_bytes || expected != buffer_bytes) {
    throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "buffer size does not match the header"};
  }
}

} // namespace

extern "C" citk_status citk_read_header(const char *path, citk_header *out, char *message,
                                        size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (out == nullptr) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "no header to fill"};
    citk::register_factories();
    const citk::NiftiAlias alias(path != nullptr ? path : "");
    auto io = open_for_read(path, alias);
    read_information(*io, *out);
    return CITK_OK;
  });
}

extern "C" citk_status citk_read_pixels(const char *path, const citk_header *expected, void *buffer,
                                        size_t buffer_bytes, char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (expected == nullptr || buffer == nullptr) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "no buffer"};
    citk::register_factories();
    const citk::NiftiAlias alias(path != nullptr ? path : "");
    auto io = open_for_read(path, alias);
    citk_header now{};
    read_information(*io, now);
    if (!same_layout(now, *expected)) {
      throw citk::Failure{CITK_ERR_CORRUPT, "the file changed while it was being read"};
    }
    if (now.pixel_bytes == 0 || now.pixel_bytes != buffer_bytes) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "buffer size does not match the header"};
    }
    io->SetIORegion(whole_region(now));
    io->Read(buffer);
    if (std::strcmp(now.format, "MetaImage") == 0) {
      // MetaIO reports a missing slice, a missing data file or a failed inflate by printing, and returns success.
      if (!citk::diagnostics().empty()) {
        throw citk::Failure{CITK_ERR_CORRUPT, "MetaImage reader failed: " + citk::diagnostics()};
      }
      citk::verify_metaimage_compressed(path, now.pixel_bytes);
    }
    return CITK_OK;
  });
}

extern "C" citk_status citk_write(const char *path, const citk_header *header, const void *buffer,
                                  size_t buffer_bytes, int compression_level, char *message,
                                  size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_IO, [&] {
    if (path == nullptr || header == nullptr || buffer == nullptr) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "missing path, header or buffer"};
    }
    citk::register_factories();
    validate_for_write(*header, buffer_bytes);
    auto io = itk::ImageIOFactory::CreateImageIO(path, itk::CommonEnums::IOFileMode::WriteMode);
    if (!io) {
      throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT,
                          "unsupported output file type: no writer for this name (use .nii, .nii.gz, .nrrd, "
                          ".nhdr, .mha or .mhd)"};
    }
    const uint32_t dims = header->dimension;
    io->SetNumberOfDimensions(dims);
    for (uint32_t axis = 0; axis < dims; ++axis) {
      io->SetDimensions(axis, header->size[axis]);
      io->SetSpacing(axis, header->spacing[axis]);
      io->SetOrigin(axis, header->origin[axis]);
      std::vector<double> column(dims);
      for (uint32_t row = 0; row < dims; ++row) column[row] = header->direction[row * dims + axis];
      io->SetDirection(axis, column);
    }
    io->SetComponentType(component_of(header->pixel_type));
    io->SetNumberOfComponents(header->components);
    io->SetPixelType(header->components == 1 ? IOPixel::SCALAR : IOPixel::VECTOR);
    io->SetUseCompression(compression_level != 0);
    if (compression_level > 0) io->SetCompressionLevel(compression_level);
    io->SetFileName(path);
    io->SetIORegion(whole_region(*header));
    io->WriteImageInformation();
    io->Write(buffer);
    return CITK_OK;
  });
}

extern "C" int citk_can_write(const char *path) {
  try {
    citk::register_factories();
    return path != nullptr && !format_for_name(path).empty();
  } catch (...) {
    return 0;
  }
}
