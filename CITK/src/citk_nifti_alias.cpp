#include "citk_nifti_alias.hpp"
#include "citk_guard.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace citk {
namespace {

/// The endings nifti1_io.c knows, longest first so that `.nii.gz` is not taken for `.gz`-less `.nii`.
constexpr std::array<const char *, 6> kEndings = {".nii.gz", ".hdr.gz", ".img.gz", ".nii", ".hdr", ".img"};

std::string lower(std::string text) {
  for (char &c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string upper(std::string text) {
  for (char &c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

/// The ending of `path` among kEndings, in lower case, or "" for other names.
std::string ending_of(const std::string &path) {
  const std::string folded = lower(path);
  for (const char *ending : kEndings) {
    const size_t n = std::strlen(ending);
    if (folded.size() > n && folded.compare(folded.size() - n, n, ending) == 0) return ending;
  }
  return "";
}

/// Whether anything exists at `path` (a file, a FIFO, a folder, a dangling link: the library's fopen probe would
/// stop on any of them).
bool exists(const std::string &path) {
  struct stat info {};
  return lstat(path.c_str(), &info) == 0;
}

std::string absolute(const std::string &path) {
  if (!path.empty() && path[0] == '/') return path;
  char buffer[PATH_MAX];
  if (getcwd(buffer, sizeof buffer) == nullptr) {
    throw Failure{CITK_ERR_IO, std::string("cannot resolve a relative path: ") + std::strerror(errno)};
  }
  return std::string(buffer) + "/" + path;
}

std::string temporary_root() {
  const char *tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

} // namespace

NiftiAlias::NiftiAlias(const std::string &path) : itk_path_(path) {
  const std::string ending = ending_of(path);
  if (ending.empty()) return;
  const std::string base = path.substr(0, path.size() - ending.size());
  const bool pair = ending.compare(0, 4, ".nii") != 0;

  // The files meant: the given one, and for a pair its other half as the rest of harmonize finds it (an .img next to a
  // header before an .img.gz; a .hdr next to an image before a .hdr.gz).
  std::vector<std::pair<std::string, std::string>> intended{{path, ending}}; // (file, lower-case ending)
  if (pair) {
    const bool given_header = ending.compare(0, 4, ".hdr") == 0;
    for (const char *other : given_header ? std::array<const char *, 2>{".img", ".img.gz"}
                                          : std::array<const char *, 2>{".hdr", ".hdr.gz"}) {
      if (exists(base + other)) {
        intended.emplace_back(base + other, other);
        break;
      }
    }
  }

  // Any other name the library probes, in either case, or a given ending it does not match, calls for links.
  bool needed = path.compare(path.size() - ending.size(), ending.size(), ending) != 0;
  for (const char *probe : kEndings) {
    for (const std::string &candidate : {base + probe, base + upper(probe)}) {
      bool meant = false;
      for (const auto &file : intended) meant = meant || file.first == candidate;
      if (!meant && exists(candidate)) needed = true;
    }
  }
  if (!needed) return;

  std::string folder = temporary_root() + "/harmonize-itk-XXXXXX";
  if (mkdtemp(folder.data()) == nullptr) {
    throw Failure{CITK_ERR_IO, "another file shares this image's name (" + std::string(base.substr(base.rfind('/') + 1)) +
                                   ".nii or similar), and the private folder that keeps ITK off it cannot be made in " +
                                   temporary_root() + ": " + std::strerror(errno)};
  }
  folder_ = folder;
  const size_t slash = base.rfind('/');
  const std::string stem = slash == std::string::npos ? base : base.substr(slash + 1);
  try {
    for (const auto &file : intended) {
      const std::string link = folder_ + "/" + (stem.empty() ? "image" : stem) + file.second;
      if (symlink(absolute(file.first).c_str(), link.c_str()) != 0) {
        throw Failure{CITK_ERR_IO, "cannot link " + file.first + " into " + folder_ + ": " + std::strerror(errno)};
      }
      links_.push_back(link);
      if (file.first == path) itk_path_ = link;
    }
  } catch (...) {
    remove();
    throw;
  }
}

NiftiAlias::~NiftiAlias() { remove(); }

void NiftiAlias::remove() noexcept {
  for (const std::string &link : links_) unlink(link.c_str());
  links_.clear();
  if (!folder_.empty()) rmdir(folder_.c_str());
  folder_.clear();
}

} // namespace citk
