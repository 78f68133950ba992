// Explicit ImageIO factory registration.
//
// An ITK application built with CMake gets a generated list of factories (itkImageIOFactoryRegisterManager)
// that registers every IO module it links. We build without CMake, so nothing registers them and
// ImageIOFactory::CreateImageIO would find no reader at all. We register the formats we support here,
// once, before the first ImageIO is created.
#include "citk_guard.hpp"

#include <itkObject.h>
#include <itkBMPImageIOFactory.h>
#include <itkGiplImageIOFactory.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#include <itkPNGImageIOFactory.h>
#include <itkTIFFImageIOFactory.h>
#include <itkVTKImageIOFactory.h>
#include <nifti1_io.h>

#include <mutex>

namespace citk {

void register_factories() {
  static std::once_flag once;
  std::call_once(once, [] {
    // ITK's warnings and nifticlib's diagnostics go to stderr on their own; our callers report one
    // line per problem instead, from the status and message CITK returns.
    itk::Object::GlobalWarningDisplayOff();
    nifti_set_debug_level(0);
    capture_library_output();
    // Order matters where two IOs claim the same file: the first registered wins.
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::VTKImageIOFactory::RegisterOneFactory();
    itk::GiplImageIOFactory::RegisterOneFactory();
    itk::PNGImageIOFactory::RegisterOneFactory();
    itk::TIFFImageIOFactory::RegisterOneFactory();
    itk::BMPImageIOFactory::RegisterOneFactory();
    // Not ITK's GDCMImageIO: Debian's GDCM aborts on some malformed files, so DICOM is read through citk_dicom's
    // isolated calls only (a single DICOM file is a one-file series, HarmonizeVolume's DicomReference).
  });
}

} // namespace citk
