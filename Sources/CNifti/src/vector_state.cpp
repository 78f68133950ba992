#include "cnifti.h"
#include "vector_state.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace cnifti {

int upper_vector_state_in_use() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__builtin_cpu_supports("avx")) return -1;
  // CPUID leaf 0xD, sub-leaf 1, EAX bit 2: XGETBV with ECX = 1 returns XINUSE.
  if (!__get_cpuid_count(0xD, 1, &eax, &ebx, &ecx, &edx) || (eax & 4u) == 0) return -1;
  unsigned low = 0, high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(1u));
  // Bit 2: YMM0-15's upper halves; bit 6: ZMM0-15's upper halves (what SSE instructions depend on, and what
  // vzeroupper clears; ZMM16-31 are out of SSE's reach).
  return (low & ((1u << 2) | (1u << 6))) != 0 ? 1 : 0;
#else
  return -1;
#endif
}

} // namespace cnifti

extern "C" int cnifti_upper_vector_state_in_use(void) { return cnifti::upper_vector_state_in_use(); }
