// Work on untrusted files in a child process. Debian's GDCM 3.0 is built with assertions on: a malformed DICOM file
// (a DICOMDIR without an offset, an overlay group it does not expect) makes it call abort(), which no exception
// fence can catch. Each DICOM call therefore runs in a forked child that writes its results into shared memory; a
// child that dies or stalls costs only the file it was on, which is reported with what the library printed.
#ifndef CITK_ISOLATION_HPP
#define CITK_ISOLATION_HPP

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace citk {

/// Memory shared with the children forked by `run_isolated`, zero-filled; freed with the object.
class SharedMemory {
public:
  explicit SharedMemory(size_t bytes);
  ~SharedMemory();
  SharedMemory(const SharedMemory &) = delete;
  SharedMemory &operator=(const SharedMemory &) = delete;
  void *data() const { return base_; }
  size_t size() const { return bytes_; }

private:
  void *base_ = nullptr;
  size_t bytes_ = 0;
};

/// Why item `index` could not be processed: its child died (a signal, an assertion) or stalled.
struct IsolatedFailure {
  size_t index;
  std::string reason;
};

/// Runs `work(i)` for every i in [0, count), in order, in forked children; `work` must report through shared
/// memory. A child that dies on item i fails that item only, and the next child goes on from i + 1; one that makes
/// no progress for `stall_seconds` is killed. Throws citk::Failure when no child can be forked.
std::vector<IsolatedFailure> run_isolated(size_t count, const std::function<void(size_t)> &work,
                                          double stall_seconds = 120);

/// `run_isolated` on `workers` contiguous shares of [0, count) at once (a thread and a child process each): GDCM
/// spends about 2 ms per file, and a 300-file series then takes half the time on two cores.
std::vector<IsolatedFailure> run_isolated_parallel(size_t count, size_t workers,
                                                   const std::function<void(size_t)> &work);

} // namespace citk

#endif // CITK_ISOLATION_HPP
