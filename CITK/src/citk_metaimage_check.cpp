// A check on compressed MetaImage pixel data that ITK 5.2's reader skips.
//
// MetaIO inflates `CompressedData = True` data with zlib, and when the stream is damaged it prints "Uncompress
// failed" and returns success, leaving the buffer partly unwritten. After ITK's read we inflate the stored stream
// once more into a small scratch buffer (nothing is kept) and require that it ends cleanly after exactly the pixel
// bytes the header declares.
#include "citk_metaimage_check.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <strings.h>
#include <vector>

namespace {

std::string trim(const std::string &text) {
  const size_t a = text.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = text.find_last_not_of(" \t\r");
  return text.substr(a, b - a + 1);
}

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};

} // namespace

namespace citk {

void verify_metaimage_compressed(const char *path, uint64_t pixel_bytes) {
  std::unique_ptr<std::FILE, FileCloser> header(std::fopen(path, "rb"));
  if (!header) return;
  std::string head(65536, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), header.get()));
  bool compressed = false;
  std::string data_file;
  uint64_t data_offset = 0;
  size_t line_start = 0;
  while (line_start < head.size()) {
    size_t end = head.find('\n', line_start);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(line_start, end - line_start);
    line_start = end + 1;
    const size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    const std::string key = trim(line.substr(0, equals)), value = trim(line.substr(equals + 1));
    if (strcasecmp(key.c_str(), "CompressedData") == 0) compressed = strcasecmp(value.c_str(), "True") == 0;
    if (strcasecmp(key.c_str(), "ElementDataFile") == 0) {
      data_file = value;
      data_offset = line_start;
      break;
    }
  }
  if (!compressed || data_file.empty()) return;
  std::string data_path = path;
  if (data_file != "LOCAL") {
    // Lists and file patterns compress slice by slice; only a single data file is checked here.
    if (data_file.rfind("LIST", 0) == 0 || data_file.find('%') != std::string::npos || data_file.find(' ') != std::string::npos) return;
    if (data_file[0] == '/') {
      data_path = data_file;
    } else {
      const size_t slash = data_path.rfind('/');
      data_path = (slash == std::string::npos ? std::string() : data_path.substr(0, slash + 1)) + data_file;
    }
    data_offset = 0;
  }
  std::unique_ptr<std::FILE, FileCloser> data(std::fopen(data_path.c_str(), "rb"));
  if (!data || std::fseek(data.get(), static_cast<long>(data_offset), SEEK_SET) != 0) {
    throw Failure{CITK_ERR_CORRUPT, "cannot read the compressed pixel data back"};
  }
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw Failure{CITK_ERR_TOO_LARGE, "cannot start zlib"};
  std::vector<unsigned char> in(1 << 16), out(1 << 16);
  uint64_t produced = 0;
  int code = Z_OK;
  while (code == Z_OK) {
    if (stream.avail_in == 0) {
      stream.avail_in = static_cast<uInt>(std::fread(in.data(), 1, in.size(), data.get()));
      stream.next_in = in.data();
      if (stream.avail_in == 0) break;
    }
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    code = inflate(&stream, Z_NO_FLUSH);
    produced += out.size() - stream.avail_out;
    if (code == Z_BUF_ERROR && stream.avail_in == 0) code = Z_OK;
  }
  const std::string reason = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (code != Z_STREAM_END) {
    throw Failure{CITK_ERR_CORRUPT, code == Z_OK ? "truncated: the compressed pixel data ends early"
                                                 : "corrupt compressed pixel data (" + (reason.empty() ? "invalid zlib data" : reason) + ")"};
  }
  if (produced != pixel_bytes) {
    throw Failure{CITK_ERR_CORRUPT, "the compressed pixel data holds " + std::to_string(produced) + " bytes, not the " +
                                        std::to_string(pixel_bytes) + " its header declares"};
  }
}

} // namespace citk
