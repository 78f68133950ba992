// ITK's, MetaIO's and nifticlib's own prints, kept off the user's terminal.
//
// MetaIO writes its errors to std::cout and std::cerr ("Uncompress failed", "MetaImage: Read: Cannot open data file")
// and carries on; ITK's warnings go through its OutputWindow. A user of harmonize must see one line per problem, so
// these streams are redirected once, for the whole process, into a buffer per thread: each CITK call starts with an
// empty buffer, and the caller can read what the libraries said during its last call (citk_diagnostics). Swift
// writes to file descriptors 1 and 2 directly, never through iostreams, so nothing of ours is captured.
//
// C's `stderr` stream is left alone: replacing it would also swallow the output of every other library in the
// process (Swift Testing writes its results there). nifticlib is quieted with nifti_set_debug_level(0); the one error
// it prints regardless (NWAD, a failed data write) cannot happen to us: `.nii` and `.nii.gz` pixels are written by
// harmonize itself, and ITK writes only one-voxel NIfTI headers and multi-component files.
#include "citk_guard.hpp"

#include <itkOutputWindow.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <string>

namespace {

thread_local std::string captured;

/// A stream buffer that appends to this thread's `captured` text, bounded so a chatty library cannot grow it.
class ThreadSink : public std::streambuf {
protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof() && captured.size() < 16384) captured.push_back(static_cast<char>(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char *text, std::streamsize count) override {
    const size_t room = captured.size() < 16384 ? 16384 - captured.size() : 0;
    captured.append(text, std::min(static_cast<size_t>(count), room));
    return count;
  }
};

/// ITK's OutputWindow, into the same buffer.
class CapturingWindow : public itk::OutputWindow {
public:
  using Self = CapturingWindow;
  using Pointer = itk::SmartPointer<Self>;
  static Pointer New() {
    Pointer window = new Self;
    window->UnRegister();
    return window;
  }
  void DisplayText(const char *text) override {
    if (text != nullptr && captured.size() < 16384) captured += text;
  }
};

} // namespace

namespace citk {

void capture_library_output() {
  static ThreadSink sink;
  std::cout.rdbuf(&sink);
  std::cerr.rdbuf(&sink);
  std::clog.rdbuf(&sink);
  itk::OutputWindow::SetInstance(CapturingWindow::New());
}

void clear_diagnostics() noexcept { captured.clear(); }

const std::string &diagnostics() noexcept { return captured; }

std::string with_diagnostics(const std::string &text) {
  std::string result = text;
  const std::string missing = "Reason: No such file or directory";
  // ITK's "File cannot be read: NAME for reading. Reason: No such file or directory" for a file that is there.
  if (result.find(missing) != std::string::npos) result = "its header could not be parsed";
  if (!captured.empty()) result += " (the reader said: " + captured + ")";
  return result;
}

} // namespace citk

extern "C" size_t citk_diagnostics(char *out, size_t capacity) {
  if (out != nullptr && capacity > 0) citk::write_message(out, capacity, captured);
  return captured.size();
}
