// DICOM through GDCM: the data elements of a file up to its pixels, and its decoded stored pixel values. Series
// assembly, geometry checks, rescaling and the choice of output type are policy, and live in Swift (HarmonizeVolume).
#include "citk_guard.hpp"
#include "citk_isolation.hpp"

#include <gdcmGlobal.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmStringFilter.h>
#include <gdcmTag.h>
#include <gdcmTrace.h>
#include <gdcmTransferSyntax.h>

#include <cstring>
#include <mutex>
#include <algorithm>
#include <sched.h>
#include <set>
#include <string>

namespace {

/// GDCM prints its warnings and errors itself; CITK reports failures through its status and message instead.
void quiet_gdcm() {
  static std::once_flag once;
  std::call_once(once, [] {
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
  });
}

const gdcm::Tag pixel_data_tag(0x7fe0, 0x0010);

/// Child processes that parse at once: the cores this process may run on (a Slurm or container CPU set), at most 8.
size_t workers() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  return static_cast<size_t>(std::max(1, std::min(n, 8)));
}

/// A value as text on one line: GDCM's rendering, trailing padding (spaces, NULs) removed, separators kept out.
std::string clean_value(std::string value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.pop_back();
  for (char &c : value) {
    if (c == '\x1f' || c == '\n' || c == '\r' || c == '\0') c = ' ';
  }
  return value;
}

/// One file's data elements as text (see citk_dicom_tags); runs in a child process.
citk_status tags_of(const char *path, const uint32_t *tags, size_t tag_count, char *out, size_t out_capacity,
                    int32_t *has_pixels, char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    gdcm::Reader reader;
    reader.SetFileName(path);
    std::set<gdcm::Tag> skip;
    if (!reader.ReadUpToTag(pixel_data_tag, skip)) {
      throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT, "not a DICOM file GDCM can parse"};
    }
    const gdcm::File &file = reader.GetFile();
    const gdcm::DataSet &data = file.GetDataSet();
    gdcm::StringFilter filter;
    filter.SetFile(file);
    std::string text;
    for (size_t i = 0; i < tag_count; ++i) {
      if (i > 0) text.push_back('\x1f');
      const gdcm::Tag tag(static_cast<uint16_t>(tags[i] >> 16), static_cast<uint16_t>(tags[i] & 0xffff));
      if (tag == gdcm::Tag(0x0002, 0x0010)) {
        const char *uid = file.GetHeader().GetDataSetTransferSyntax().GetString();
        text += uid == nullptr ? "" : clean_value(uid);
      } else if (tag.GetGroup() != 0x0002 && data.FindDataElement(tag) && !data.GetDataElement(tag).IsEmpty()) {
        text += clean_value(filter.ToString(tag));
      }
    }
    // ReadUpToTag keeps the PixelData element's tag (not its value) when it stops there.
    *has_pixels = data.FindDataElement(pixel_data_tag) ? 1 : 0;
    if (text.size() + 1 > out_capacity) throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "tag values do not fit"};
    std::memcpy(out, text.c_str(), text.size() + 1);
    return CITK_OK;
  });
}

/// One file's decoded stored values (see citk_dicom_read_pixels); runs in a child process.
citk_status pixels_of(const char *path, void *buffer, size_t buffer_bytes, char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    gdcm::ImageReader reader;
    reader.SetFileName(path);
    if (!reader.Read()) throw citk::Failure{CITK_ERR_CORRUPT, "GDCM cannot read its image"};
    const gdcm::Image &image = reader.GetImage();
    const unsigned long length = image.GetBufferLength();
    if (length != buffer_bytes) {
      throw citk::Failure{CITK_ERR_CORRUPT, "its pixel data decodes to " + std::to_string(length) +
                                                " bytes where its header says " + std::to_string(buffer_bytes)};
    }
    if (!image.GetBuffer(static_cast<char *>(buffer))) {
      const char *syntax = image.GetTransferSyntax().GetString();
      throw citk::Failure{CITK_ERR_UNSUPPORTED_FORMAT, std::string("GDCM cannot decode its pixel data (transfer syntax ") +
                                                           (syntax ? syntax : "unknown") + ")"};
    }
    return CITK_OK;
  });
}

/// Per-file statuses and messages in shared memory, copied out to the caller's arrays when the children are done.
struct Outcomes {
  Outcomes(size_t count, size_t message_capacity)
      : count(count), capacity(message_capacity), memory(count * (sizeof(int32_t) + message_capacity)) {}
  int32_t *status(size_t i) const { return static_cast<int32_t *>(memory.data()) + i; }
  char *message(size_t i) const {
    return static_cast<char *>(memory.data()) + count * sizeof(int32_t) + i * capacity;
  }
  /// Files whose child died get the reason `run_isolated` gave.
  void fail(const std::vector<citk::IsolatedFailure> &failures) const {
    for (const auto &failure : failures) {
      *status(failure.index) = CITK_ERR_CORRUPT;
      citk::write_message(message(failure.index), capacity, failure.reason);
    }
  }
  void copy_out(int32_t *statuses, char *messages) const {
    std::memcpy(statuses, status(0), count * sizeof(int32_t));
    std::memcpy(messages, message(0), count * capacity);
  }
  size_t count, capacity;
  citk::SharedMemory memory;
};

} // namespace

extern "C" citk_status citk_dicom_tags(const char *const *paths, size_t count, const uint32_t *tags, size_t tag_count,
                                       char *out, size_t text_capacity, int32_t *has_pixels, int32_t *statuses,
                                       char *messages, size_t message_capacity, char *message,
                                       size_t message_capacity_all) {
  return citk::guarded(message, message_capacity_all, CITK_ERR_INTERNAL, [&] {
    if ((paths == nullptr && count > 0) || (tags == nullptr && tag_count > 0) || out == nullptr || has_pixels == nullptr ||
        statuses == nullptr || messages == nullptr || text_capacity == 0 || message_capacity == 0) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "missing paths, tags or outputs"};
    }
    quiet_gdcm();
    Outcomes outcomes(count, message_capacity);
    citk::SharedMemory text(count * text_capacity);
    citk::SharedMemory pixels(count * sizeof(int32_t));
    auto *text_base = static_cast<char *>(text.data());
    auto *pixel_flags = static_cast<int32_t *>(pixels.data());
    outcomes.fail(citk::run_isolated_parallel(count, workers(), [&](size_t i) {
      *outcomes.status(i) = tags_of(paths[i], tags, tag_count, text_base + i * text_capacity, text_capacity,
                                    pixel_flags + i, outcomes.message(i), message_capacity);
    }));
    outcomes.copy_out(statuses, messages);
    std::memcpy(out, text_base, count * text_capacity);
    std::memcpy(has_pixels, pixel_flags, count * sizeof(int32_t));
    return CITK_OK;
  });
}

extern "C" citk_status citk_dicom_read_pixels(const char *const *paths, size_t count, void *buffer, size_t bytes_each,
                                              int32_t *statuses, char *messages, size_t message_capacity,
                                              char *message, size_t message_capacity_all) {
  return citk::guarded(message, message_capacity_all, CITK_ERR_INTERNAL, [&] {
    if ((paths == nullptr && count > 0) || buffer == nullptr || statuses == nullptr || messages == nullptr ||
        message_capacity == 0) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "missing paths, buffer or outputs"};
    }
    if (count > 0 && bytes_each > SIZE_MAX / count) throw citk::Failure{CITK_ERR_TOO_LARGE, "pixel bytes overflow"};
    quiet_gdcm();
    Outcomes outcomes(count, message_capacity);
    citk::SharedMemory staging(count * bytes_each);
    auto *base = static_cast<char *>(staging.data());
    outcomes.fail(citk::run_isolated_parallel(count, workers(), [&](size_t i) {
      *outcomes.status(i) = pixels_of(paths[i], base + i * bytes_each, bytes_each, outcomes.message(i), message_capacity);
    }));
    outcomes.copy_out(statuses, messages);
    std::memcpy(buffer, base, count * bytes_each);
    return CITK_OK;
  });
}

extern "C" citk_status citk_dicom_frame_geometry(const char *path, uint32_t size[3], double spacing[3], double origin[3],
                                                 double direction[9], char *message, size_t message_capacity) {
  return citk::guarded(message, message_capacity, CITK_ERR_CORRUPT, [&] {
    if (path == nullptr || size == nullptr || spacing == nullptr || origin == nullptr || direction == nullptr) {
      throw citk::Failure{CITK_ERR_INVALID_ARGUMENT, "missing path or outputs"};
    }
    quiet_gdcm();
    Outcomes outcomes(1, message_capacity);
    citk::SharedMemory values(3 * sizeof(uint32_t) + 15 * sizeof(double));
    auto *dims = static_cast<uint32_t *>(values.data());
    auto *numbers = reinterpret_cast<double *>(static_cast<char *>(values.data()) + 4 * sizeof(uint32_t));
    outcomes.fail(citk::run_isolated(1, [&](size_t) {
      *outcomes.status(0) = citk::guarded(outcomes.message(0), message_capacity, CITK_ERR_CORRUPT, [&] {
        gdcm::ImageReader reader;
        reader.SetFileName(path);
        if (!reader.Read()) throw citk::Failure{CITK_ERR_CORRUPT, "GDCM cannot read its image"};
        const gdcm::Image &image = reader.GetImage();
        const unsigned int *d = image.GetDimensions();
        const double *s = image.GetSpacing();
        const double *o = image.GetOrigin();
        const double *c = image.GetDirectionCosines();
        if (d == nullptr || s == nullptr || o == nullptr || c == nullptr) {
          throw citk::Failure{CITK_ERR_CORRUPT, "GDCM finds no image geometry in it"};
        }
        const unsigned int n = image.GetNumberOfDimensions();
        for (int a = 0; a < 3; ++a) {
          dims[a] = a < static_cast<int>(n) ? d[a] : 1;
          numbers[a] = s[a];
          numbers[3 + a] = o[a];
        }
        const double normal[3] = {c[1] * c[5] - c[2] * c[4], c[2] * c[3] - c[0] * c[5], c[0] * c[4] - c[1] * c[3]};
        for (int r = 0; r < 3; ++r) {
          numbers[6 + 3 * r] = c[r];
          numbers[6 + 3 * r + 1] = c[3 + r];
          numbers[6 + 3 * r + 2] = normal[r];
        }
        return CITK_OK;
      });
    }));
    if (*outcomes.status(0) != CITK_OK) throw citk::Failure{static_cast<citk_status>(*outcomes.status(0)), outcomes.message(0)};
    for (int a = 0; a < 3; ++a) {
      size[a] = dims[a];
      spacing[a] = numbers[a];
      origin[a] = numbers[3 + a];
    }
    for (int k = 0; k < 9; ++k) direction[k] = numbers[6 + k];
    return CITK_OK;
  });
}
