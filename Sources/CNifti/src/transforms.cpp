// A NIfTI-1 file's qform and sform as stored, for the callers that must say which one each reader uses (ITK and
// SimpleITK prefer the qform unless the sform is a scanner transform or nearly equal to it; nibabel and FSL take the
// sform whenever its code is set). ITK exposes only the transform it chose.
#include "transforms.hpp"

#include <cmath>

namespace cnifti {

void transforms_of(const Nifti1Header &h, cnifti_transforms &out) {
  out = cnifti_transforms{};
  out.qform_code = h.qform_code;
  out.sform_code = h.sform_code;
  // NIfTI-1's quaternion: a = sqrt(1 - b² - c² - d²), R from (a, b, c, d), columns scaled by pixdim and qfac.
  double b = h.quatern[0], c = h.quatern[1], d = h.quatern[2];
  double a = 1.0 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    const double norm = std::sqrt(b * b + c * c + d * d);
    if (norm > 0) {
      b /= norm;
      c /= norm;
      d /= norm;
    }
    a = 0;
  } else {
    a = std::sqrt(a);
  }
  const double r[3][3] = {{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                          {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                          {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
  const double qfac = h.pixdim[0] < 0 ? -1.0 : 1.0;
  const double scale[3] = {h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac};
  for (int row = 0; row < 3; ++row) {
    for (int column = 0; column < 3; ++column) out.qform[row * 4 + column] = r[row][column] * scale[column];
    out.qform[row * 4 + 3] = h.qoffset[row];
  }
  for (int i = 0; i < 12; ++i) out.sform[i] = h.srow[i];
}

} // namespace cnifti
