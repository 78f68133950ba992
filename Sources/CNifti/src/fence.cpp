#include "fence.hpp"

#include <cstring>

namespace cnifti {

void write_message(char *message, size_t capacity, const std::string &text) noexcept {
  if (message == nullptr || capacity == 0) return;
  size_t used = 0;
  for (char c : text) {
    if (used + 1 >= capacity) break;
    message[used++] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  message[used] = '\0';
}

} // namespace cnifti
