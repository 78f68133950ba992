#include "citk_guard.hpp"

#include <cstring>

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

} // namespace citk
