#include "citk_guard.hpp"

#include <cstring>
#include <regex>

namespace citk {

void write_message(char *message, size_t capacity, const std::string &text) noexcept {
  if (message == nullptr || capacity == 0) {
    return;
  }
  size_t out = 0;
  bool pending_space = false;
  for (char c : text) {
    const bool blank = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (blank) {
      pending_space = out > 0;
      continue;
    }
    if (pending_space) {
      if (out + 1 >= capacity) break;
      message[out++] = ' ';
      pending_space = false;
    }
    if (out + 1 >= capacity) break;
    message[out++] = c;
  }
  message[out] = '\0';
}

std::string clean_itk_message(const std::string &description) {
  static const std::regex prefix(R"((itk::ERROR|ITK ERROR|itk::ExceptionObject): *\w+\(0x[0-9a-fA-F]+\): *)");
  std::string text = std::regex_replace(description, prefix, "");
  const std::string nrrd = "[nrrd] ";
  const size_t last = text.rfind(nrrd);
  if (last != std::string::npos) {
    std::string tail = text.substr(last + nrrd.size());
    const size_t colon = tail.find(": ");
    if (colon != std::string::npos && tail.find(' ') > colon) tail = tail.substr(colon + 2);
    text = "NRRD: " + tail;
  }
  return text;
}

} // namespace citk
