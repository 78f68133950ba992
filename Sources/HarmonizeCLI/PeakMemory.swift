import Foundation

/// This process's peak resident memory so far, for the summary lines users and the benchmark read.
///
/// Read from `VmHWM` in /proc/self/status, the high-water mark of this program's own address space. getrusage's
/// ru_maxrss is not used: Linux carries it across exec, so it also counts what the parent (say, a Python benchmark
/// holding gigabytes of arrays) had resident when it forked us.
enum PeakMemory {
  static var residentBytes: Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return 0 }
    return kib * 1024
  }
}
