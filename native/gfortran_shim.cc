// The GNU Fortran runtime entry that Debian's static LAPACK (compiled with gfortran) reaches:
// character concatenation, e.g. ILAENV(..., SIDE // TRANS, ...) in the ormqr workspace queries.
// libgfortran.a cannot be linked into a shared object (it uses local-exec TLS), so the static
// prebuild resolves this one symbol here. Hidden like every other symbol of the addon, so in a
// shared-library build it is dead code and libopenblas.so keeps using libgfortran's.
#include <cstddef>
#include <cstring>

extern "C" void _gfortran_concat_string(size_t dest_len, char* dest, size_t len1, const char* s1, size_t len2,
                                        const char* s2) {
  // Fortran semantics: dest = s1 // s2, truncated to dest_len or padded with blanks.
  const size_t first = len1 < dest_len ? len1 : dest_len;
  std::memcpy(dest, s1, first);
  const size_t second = len2 < dest_len - first ? len2 : dest_len - first;
  std::memcpy(dest + first, s2, second);
  std::memset(dest + first + second, ' ', dest_len - first - second);
}
