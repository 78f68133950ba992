// ISA-L's assembly (igzip inflate and deflate, its AVX-512 CRC) returns with the upper halves of the vector registers
// still in use: it does not end with `vzeroupper`. Every later SSE instruction of that thread then runs with a false
// dependency on those halves. Swift compiles for baseline x86-64 (SSE), so the resampling kernels slowed down 2.3x on
// the thread that had inflated: W1's linear resample took 0.20 s after a .nii.gz read against 0.09 s after a .nii read
// (same pixels, same buffers), and a plain SSE loop over 150 MiB 0.037 s against 0.016 s until `vzeroupper` ran.
// Call this after every ISA-L call, on the thread that made it.
#ifndef CNIFTI_VECTOR_STATE_HPP
#define CNIFTI_VECTOR_STATE_HPP

namespace cnifti {

/// Marks the upper vector state clean (`vzeroupper`) where the CPU has AVX; a no-op elsewhere, where ISA-L cannot
/// have dirtied it.
inline void clear_upper_vector_state() {
#if defined(__x86_64__)
  static const bool has_avx = __builtin_cpu_supports("avx");
  if (has_avx) __asm__ volatile("vzeroupper" ::: "memory");
#endif
}

/// Whether this thread's upper vector state is in use (XINUSE bits for YMM0-15 and ZMM0-15's upper halves): 1 or 0, or -1 where
/// the CPU cannot say (no AVX, no XGETBV with ECX=1). For tests of the above.
int upper_vector_state_in_use();

} // namespace cnifti

#endif
