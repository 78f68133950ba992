#include "citk_isolation.hpp"

#include "citk_guard.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <mutex>
#include <sys/mman.h>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

namespace citk {

SharedMemory::SharedMemory(size_t bytes) : bytes_(bytes) {
  void *p = mmap(nullptr, bytes > 0 ? bytes : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw Failure{CITK_ERR_TOO_LARGE, "cannot map " + std::to_string(bytes) + " bytes of shared memory"};
  base_ = p;
}

SharedMemory::~SharedMemory() {
  if (base_ != nullptr) munmap(base_, bytes_ > 0 ? bytes_ : 1);
}

namespace {

double now_seconds() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// The last line the child wrote to its stderr (an assertion's text), cut to 300 characters.
std::string last_line(int fd) {
  std::string text;
  char chunk[4096];
  if (lseek(fd, 0, SEEK_SET) < 0) return text;
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0 && text.size() < (1u << 20)) text.append(chunk, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const size_t start = text.find_last_of('\n');
  std::string line = start == std::string::npos ? text : text.substr(start + 1);
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line;
}

} // namespace

std::vector<IsolatedFailure> run_isolated(size_t count, const std::function<void(size_t)> &work, double stall_seconds) {
  std::vector<IsolatedFailure> failures;
  if (count == 0) return failures;
  SharedMemory progress_memory(sizeof(size_t));
  auto *progress = static_cast<volatile size_t *>(progress_memory.data());
  FILE *log = tmpfile();
  const int log_fd = log ? fileno(log) : -1;
  size_t start = 0;
  while (start < count) {
    *progress = start;
    if (log_fd >= 0) {
      if (ftruncate(log_fd, 0) != 0) { /* the last line may then be an older one */ }
    }
    const pid_t child = fork();
    if (child < 0) {
      if (log) fclose(log);
      throw Failure{CITK_ERR_INTERNAL, std::string("cannot start a process to read DICOM: ") + std::strerror(errno)};
    }
    if (child == 0) {
      // The child: default crash handling (no runtime backtracer), its stderr kept for the parent, no atexit work.
      for (int s : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGINT, SIGTERM}) signal(s, SIG_DFL);
      if (log_fd >= 0) dup2(log_fd, 2);
      for (size_t i = start; i < count; ++i) {
        *progress = i;
        work(i);
      }
      *progress = count;
      _exit(0);
    }
    size_t seen = start;
    double since = now_seconds();
    int status = 0;
    bool stalled = false;
    for (useconds_t pause = 50;;) {
      const pid_t done = waitpid(child, &status, WNOHANG);
      if (done == child) break;
      if (done < 0 && errno != EINTR) break;
      const size_t at = *progress;
      if (at != seen) {
        seen = at;
        since = now_seconds();
      } else if (now_seconds() - since > stall_seconds) {
        kill(child, SIGKILL);
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        stalled = true;
        break;
      }
      usleep(pause);
      if (pause < 5000) pause *= 2;
    }
    const size_t at = *progress;
    if (!stalled && WIFEXITED(status) && WEXITSTATUS(status) == 0 && at >= count) break;
    const size_t failed = at < count ? at : count - 1;
    std::string reason;
    if (stalled) {
      reason = "the DICOM library made no progress on it for " + std::to_string(static_cast<int>(stall_seconds)) + " s";
    } else {
      const std::string said = log_fd >= 0 ? last_line(log_fd) : std::string();
      const std::string how = WIFSIGNALED(status) ? std::string(strsignal(WTERMSIG(status)))
                                                  : "exit status " + std::to_string(WEXITSTATUS(status));
      reason = "the DICOM library (GDCM) died reading it (" + how + ")" + (said.empty() ? "" : ": " + said);
    }
    failures.push_back({failed, reason});
    start = failed + 1;
  }
  if (log) fclose(log);
  return failures;
}

std::vector<IsolatedFailure> run_isolated_parallel(size_t count, size_t workers,
                                                   const std::function<void(size_t)> &work) {
  workers = std::max<size_t>(1, std::min(workers, count / 16 + 1));
  if (workers == 1) return run_isolated(count, work);
  std::vector<IsolatedFailure> failures;
  std::mutex lock;
  std::vector<std::thread> threads;
  std::string error;
  for (size_t w = 0; w < workers; ++w) {
    const size_t begin = count * w / workers, end = count * (w + 1) / workers;
    threads.emplace_back([&, begin, end] {
      try {
        auto share = run_isolated(end - begin, [&](size_t i) { work(begin + i); });
        std::lock_guard<std::mutex> guard(lock);
        for (auto &failure : share) failures.push_back({begin + failure.index, failure.reason});
      } catch (const Failure &failure) {
        std::lock_guard<std::mutex> guard(lock);
        error = failure.message;
      } catch (...) {
        std::lock_guard<std::mutex> guard(lock);
        error = "a DICOM reading thread failed";
      }
    });
  }
  for (auto &thread : threads) thread.join();
  if (!error.empty()) throw Failure{CITK_ERR_INTERNAL, error};
  return failures;
}

} // namespace citk
