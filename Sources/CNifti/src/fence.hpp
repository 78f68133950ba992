// The exception fence: every exported CNifti function runs its body inside cnifti::guarded, so that no C++ exception
// crosses the C ABI. Each exception becomes a status and a one-line message.
#ifndef CNIFTI_FENCE_HPP
#define CNIFTI_FENCE_HPP

#include "cnifti.h"

#include <exception>
#include <new>
#include <string>

namespace cnifti {

/// Thrown inside CNifti to fail with a chosen status; the fence turns it into that status.
struct Failure {
  cnifti_status status;
  std::string message;
};

/// Copies `text` into the caller's buffer as one line (newlines become spaces), cut to fit, always NUL-terminated.
void write_message(char *message, size_t capacity, const std::string &text) noexcept;

/// Runs `body` and converts whatever it throws into a status and a message.
template <typename Body> cnifti_status guarded(char *message, size_t capacity, Body &&body) noexcept {
  try {
    write_message(message, capacity, "");
    return body();
  } catch (const Failure &failure) {
    write_message(message, capacity, failure.message);
    return failure.status;
  } catch (const std::bad_alloc &) {
    write_message(message, capacity, "out of memory");
    return CNIFTI_ERR_TOO_LARGE;
  } catch (const std::exception &error) {
    write_message(message, capacity, error.what());
    return CNIFTI_ERR_INTERNAL;
  } catch (...) {
    write_message(message, capacity, "unknown C++ exception");
    return CNIFTI_ERR_INTERNAL;
  }
}

} // namespace cnifti

#endif
