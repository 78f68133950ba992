// The exception fence: every exported CITK function runs its body inside citk::guarded, so that no C++
// exception crosses the C ABI. Each exception becomes a status and a one-line message.
#ifndef CITK_GUARD_HPP
#define CITK_GUARD_HPP

#include "itk_prelude.hpp"

#include "citk.h"
#include <itkMacro.h>

#include <exception>
#include <new>
#include <string>

namespace citk {

/// Thrown inside CITK to fail with a chosen status; the fence turns it into that status.
struct Failure {
  citk_status status;
  std::string message;
};

/// Copies `text` into the caller's buffer as one line: newlines and tabs become spaces, runs of
/// spaces collapse, and the text is cut to fit, always NUL-terminated.
void write_message(char *message, size_t capacity, const std::string &text) noexcept;

/// ITK's description without its "itk::ERROR: NrrdImageIO(0x55...): " prefixes, and for NRRD's chain of
/// "[nrrd] function: trouble" messages only the last, which says what is wrong.
std::string clean_itk_message(const std::string &description);

/// Redirects std::cout, std::cerr, std::clog and ITK's OutputWindow into a per-thread buffer (once, at registration).
void capture_library_output();
/// Empties this thread's buffer of library output; every guarded call starts with it.
void clear_diagnostics() noexcept;
/// What ITK and its libraries printed on this thread since the last clear.
const std::string &diagnostics() noexcept;

/// An ITK failure's text with what the libraries printed during the call: MetaIO says why it could not parse a
/// header only by printing, and ITK then reports "No such file or directory" for a file that exists.
std::string with_diagnostics(const std::string &text);

/// Runs `body` and converts whatever it throws into a status and a message.
/// `itk_status` is the status an itk::ExceptionObject maps to in this call (CORRUPT for reads, IO for writes).
template <typename Body>
citk_status guarded(char *message, size_t capacity, citk_status itk_status, Body &&body) noexcept {
  clear_diagnostics();
  try {
    write_message(message, capacity, "");
    return body();
  } catch (const Failure &failure) {
    write_message(message, capacity, failure.message);
    return failure.status;
  } catch (const itk::ExceptionObject &error) {
    write_message(message, capacity, with_diagnostics(clean_itk_message(error.GetDescription())));
    return itk_status;
  } catch (const std::bad_alloc &) {
    write_message(message, capacity, "out of memory inside ITK");
    return CITK_ERR_TOO_LARGE;
  } catch (const std::exception &error) {
    write_message(message, capacity, error.what());
    return CITK_ERR_INTERNAL;
  } catch (...) {
    write_message(message, capacity, "unknown C++ exception");
    return CITK_ERR_INTERNAL;
  }
}

/// Registers the ImageIO factories CITK supports, once per process (thread-safe).
void register_factories();

} // namespace citk

#endif // CITK_GUARD_HPP
