#!/usr/bin/env bash
# Builds the OpenBLAS that the release prebuilds link (Linux glibc and musl, macOS): a pinned
# release, verified by SHA-256, as a static library only, with
#   - DYNAMIC_ARCH=1: kernels for several CPU generations, picked at run time, so one binary is fast
#     on old and new CPUs alike. TARGET sets the baseline the *common* code is compiled for; without
#     it OpenBLAS compiles that code for the build machine (e.g. AVX-512 on a CI runner), and the
#     binary dies with SIGILL on older CPUs. The targets below are the ones NumPy's wheels
#     (MacPython/openblas-libs) and conda-forge use.
#   - LAPACK and LAPACKE inside libopenblas.a. NOFORTRAN=1 + C_LAPACK=1 (OpenBLAS >= 0.3.21) build
#     LAPACK from its C translation, so there is no gfortran and no libgfortran to carry; LAPACKE is
#     built by default (NO_LAPACKE unset) and goes into the same archive: there is no liblapacke.
#     OPENBLAS_LAPACK=fortran compiles LAPACK with gfortran instead (FC, default gfortran): faster
#     where LAPACK's own loops dominate (eig 256: 1.0x the Debian-built reference where the C
#     translation took 1.5-1.8x, measured with 0.3.28+), and the static prebuild needs nothing of
#     the Fortran runtime but _gfortran_concat_string, which native/gfortran_shim.cc provides.
#   - pthreads (USE_OPENMP=0) and an explicit NUM_THREADS ceiling: left unset, it becomes the build
#     machine's core count, and a 4-core CI runner would cap every user at 4 threads.
#
#   OPENBLAS_VERSION=0.3.33 OPENBLAS_SHA256=<sha256 of the tarball> scripts/build-openblas.sh <prefix>
#   OPENBLAS_SOURCE_DIR=<OpenBLAS tree> scripts/build-openblas.sh <prefix>
#
# OPENBLAS_SOURCE_DIR builds a local tree (an unpacked release, a git checkout or a `git archive`)
# instead of the pinned download, e.g. to try an unreleased fix: no download and no checksum, and
# OPENBLAS_VERSION, optional here, only overrides the label recorded in BUILD-INFO.txt (default:
# `git describe --tags` of a checkout, else VERSION in the tree's Makefile.rule). The tree is copied
# into the work directory and cleaned there, so it is never written to and may hold a stale build.
#
# Optional environment:
#   OPENBLAS_MAX_THREADS   NUM_THREADS (default 64)
#   OPENBLAS_TARGET        the common-code baseline (default per platform, below)
#   OPENBLAS_DYNAMIC_LIST  the kernel sets to build (default per platform; set it empty for
#                          OpenBLAS's full list)
#   OPENBLAS_JOBS          parallel make jobs (default: the CPU count)
#   OPENBLAS_WORKDIR       download and build directory (default: $RUNNER_TEMP or $TMPDIR)
#   OPENBLAS_LAPACK        c (default: LAPACK's C translation) or fortran (gfortran-compiled)
#   CC                     C compiler (default gcc on Linux, clang on macOS)
#   FC                     Fortran compiler for OPENBLAS_LAPACK=fortran (default gfortran)
# Installs <prefix>/include/{cblas.h,lapacke.h,...}, <prefix>/lib/libopenblas.a, and the OpenBLAS
# and LAPACK license texts in <prefix>/share/doc/openblas/ (NOTICES.txt holds both; the prebuild
# ships it as the platform package's THIRD_PARTY_NOTICES.txt).
# Windows has its own script, scripts/build-openblas.ps1 (CMake + clang-cl).
set -euo pipefail

fail() {
  echo "build-openblas: $*" >&2
  exit 1
}

source_dir="${OPENBLAS_SOURCE_DIR:-}"
if [ -n "$source_dir" ]; then
  if [ ! -f "$source_dir/Makefile.rule" ] || [ ! -f "$source_dir/Makefile.system" ]; then
    fail "OPENBLAS_SOURCE_DIR=$source_dir is not an OpenBLAS source tree (no Makefile.rule or Makefile.system)"
  fi
  source_dir="$(cd "$source_dir" && pwd -P)" # physical, as git's --show-toplevel below
  version="${OPENBLAS_VERSION:-}" # the label; derived from the tree below when unset
else
  version="${OPENBLAS_VERSION:?set OPENBLAS_VERSION, e.g. 0.3.33}"
  sha256="${OPENBLAS_SHA256:?set OPENBLAS_SHA256 to the tarball checksum}"
fi
prefix="${1:-${OPENBLAS_PREFIX:-}}"
[ -n "$prefix" ] || fail "usage: build-openblas.sh <install prefix> (or set OPENBLAS_PREFIX)"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
max_threads="${OPENBLAS_MAX_THREADS:-64}"

os="$(uname -s)"
machine="$(uname -m)"
# x86_64 kernel sets: NumPy's wheel selection. OpenBLAS always adds PRESCOTT to a DYNAMIC_LIST, and
# its run-time dispatch maps the CPUs left out onto the nearest set built (Zen -> Haswell,
# Cooper Lake / Sapphire Rapids -> SkylakeX, ...); the full list roughly triples the build time and
# the binary's size for little gain in double/single precision. arm64 gets OpenBLAS's full list.
case "$os-$machine" in
  Linux-x86_64)
    default_target=PRESCOTT
    default_list="NEHALEM SANDYBRIDGE HASWELL SKYLAKEX"
    cc_default=gcc
    ;;
  Linux-aarch64 | Linux-arm64)
    # With DYNAMIC_ARCH on arm64 TARGET is required in practice: otherwise the common code gets the
    # build host's -march (e.g. armv8.2-a on a Neoverse runner) and crashes on older cores.
    default_target=ARMV8
    default_list=""
    cc_default=gcc
    ;;
  Darwin-x86_64)
    default_target=CORE2
    default_list="CORE2 NEHALEM SANDYBRIDGE HASWELL SKYLAKEX"
    cc_default=clang
    ;;
  Darwin-arm64)
    default_target=VORTEX
    default_list=""
    cc_default=clang
    ;;
  *) fail "no OpenBLAS recipe for $os-$machine" ;;
esac
target="${OPENBLAS_TARGET:-$default_target}"
# Unset: the platform default. Set but empty: OpenBLAS's full list for the architecture.
dynamic_list="${OPENBLAS_DYNAMIC_LIST-$default_list}"
cc="${CC:-$cc_default}"
lapack="${OPENBLAS_LAPACK:-c}"
case "$lapack" in
  c) fc="" ;;
  fortran) fc="${FC:-gfortran}" ;;
  *) fail "OPENBLAS_LAPACK must be c or fortran, not $lapack" ;;
esac

if [ "$os" = Darwin ]; then
  # The addon is built for macOS 11 (binding.gyp); objects built for a newer macOS than the link
  # target only draw warnings, but would really need that newer macOS.
  export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-11.0}"
fi

jobs="${OPENBLAS_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)}"
workdir="${OPENBLAS_WORKDIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/openblas-build}"

tools=(tar make "$cc" nm)
if [ -n "$fc" ]; then tools+=("$fc"); fi
if [ -z "$source_dir" ]; then tools+=(curl); fi
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed"
done

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

# --- source --------------------------------------------------------------------------------------
if [ -n "$source_dir" ]; then
  # The work directory is deleted before and after the build: it must not hold the tree, nor be
  # inside it (the copy would copy itself).
  mkdir -p "$workdir"
  workdir="$(cd "$workdir" && pwd -P)"
  case "$source_dir/" in
    "$workdir"/*) fail "OPENBLAS_SOURCE_DIR ($source_dir) is in the work directory $workdir; set OPENBLAS_WORKDIR" ;;
  esac
  case "$workdir/" in
    "$source_dir"/*) fail "the work directory $workdir is in OPENBLAS_SOURCE_DIR ($source_dir); set OPENBLAS_WORKDIR" ;;
  esac
  # Only the tree's own repository counts: an unpacked tarball inside some other checkout would
  # otherwise be labelled with that checkout's describe. --no-optional-locks: `status` must not
  # refresh the tree's index either.
  describe=""
  if command -v git >/dev/null 2>&1 &&
    [ "$(git -C "$source_dir" rev-parse --show-toplevel 2>/dev/null)" = "$source_dir" ]; then
    describe="$(git -C "$source_dir" describe --tags --always 2>/dev/null || true)"
    if [ -n "$describe" ] &&
      [ -n "$(git -C "$source_dir" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ]; then
      describe="$describe-dirty"
    fi
  fi
  if [ -z "$version" ]; then
    version="${describe#v}"
    if [ -z "$version" ]; then version="$(sed -n 's/^VERSION[[:space:]]*=[[:space:]]*//p' "$source_dir/Makefile.rule" | sed -n 1p)"; fi
    [ -n "$version" ] || fail "no version in $source_dir/Makefile.rule; set OPENBLAS_VERSION to a label"
  fi
  rm -rf "$workdir"
  src="$workdir/OpenBLAS-local"
  mkdir -p "$src"
  echo "build-openblas: copying $source_dir (${describe:-not a git checkout}) to $src"
  # .git is not needed to build and can be larger than the tree.
  tar -C "$source_dir" --exclude=.git -cf - . | tar -xf - -C "$src"
  origin="$source_dir (${describe:-not a git checkout})"
else
  # The release asset, byte-identical to GitHub's archive of the tag (conda-forge and Homebrew pin
  # the same SHA-256 for the archive, Spack and xmake for the asset); it unpacks to OpenBLAS-<version>/.
  url="https://github.com/OpenMathLib/OpenBLAS/releases/download/v${version}/OpenBLAS-${version}.tar.gz"
  rm -rf "$workdir"
  mkdir -p "$workdir"
  tarball="$workdir/OpenBLAS-${version}.tar.gz"
  echo "build-openblas: downloading $url"
  curl --fail --silent --show-error --location --retry 5 --retry-delay 5 --output "$tarball" "$url"
  actual="$(sha256_of "$tarball")"
  [ "$actual" = "$sha256" ] || fail "SHA-256 mismatch for $url: expected $sha256, got $actual"
  tar -xzf "$tarball" -C "$workdir"
  src="$workdir/OpenBLAS-${version}"
  [ -f "$src/Makefile.rule" ] || fail "$tarball did not unpack to $src"
fi

# --- build ---------------------------------------------------------------------------------------
options=(
  "CC=$cc"
  "HOSTCC=$cc"
  "BINARY=64"
  "TARGET=$target"
  "DYNAMIC_ARCH=1"
  "USE_THREAD=1"
  "USE_OPENMP=0"
  "NUM_THREADS=$max_threads"
  "NO_AFFINITY=1"
  "NO_SHARED=1"
  "MAKE_NB_JOBS=$jobs"
  "QUIET_MAKE=1"
)
if [ -n "$dynamic_list" ]; then
  options+=("DYNAMIC_LIST=$dynamic_list")
fi
if [ -n "$fc" ]; then
  options+=("FC=$fc")
else
  options+=("NOFORTRAN=1" "C_LAPACK=1")
fi

echo "build-openblas: OpenBLAS $version for $os-$machine with $("$cc" --version | sed -n 1p)"
# The C translation of LAPACK (C_LAPACK) has debug prints left in sgelsd.c: every float32 lstsq
# wrote "start of SGELSD" ... to the process's stdout (seen in 0.3.21 to 0.3.28 plus later commits;
# ndarray-linalg#375). They are turned into no-ops in the copy being built: each
# `fprintf(stdout, ...)` becomes a call of a macro that expands to nothing (an expression statement
# still, so no if/else around it changes meaning). Nothing to do where they are gone.
quiet_lapack() {
  local file="$src/lapack-netlib/SRC/sgelsd.c"
  [ -f "$file" ] || return 0
  grep -q 'fprintf(stdout' "$file" || return 0
  sed -i.orig -e 's/fprintf(stdout,/TB_NO_DEBUG_PRINT(/g' "$file"
  { echo '#define TB_NO_DEBUG_PRINT(...) ((void)0)'; cat "$file"; } >"$file.tmp" && mv "$file.tmp" "$file"
  rm -f "$file.orig"
  if grep -rq 'fprintf(stdout' "$src/lapack-netlib/SRC"/*.c 2>/dev/null; then
    fail "LAPACK sources still print to stdout: $(grep -rl 'fprintf(stdout' "$src/lapack-netlib/SRC"/*.c | head -n 3 | tr '\n' ' ')"
  fi
  patched="sgelsd.c debug prints removed"
  echo "build-openblas: $patched"
}
patched=""
if [ -z "$fc" ]; then quiet_lapack; fi # the Fortran sgelsd has no such prints

echo "build-openblas: make ${options[*]}"
(
  cd "$src"
  # A local tree may carry objects from a build with other options, which make would reuse.
  if [ -n "$source_dir" ]; then make "${options[@]}" clean >/dev/null; fi
  # libs: BLAS, CBLAS and OpenBLAS's own LAPACK routines; netlib: the rest of LAPACK (C_LAPACK) and
  # LAPACKE, added to the same archive. No `shared` (NO_SHARED) and no `tests`: the addon's own test
  # suite runs against the result.
  make "${options[@]}" libs netlib
  make "${options[@]}" PREFIX="$prefix" install
)

# --- tidy and record -----------------------------------------------------------------------------
rm -rf "$prefix/bin"
docdir="$prefix/share/doc/openblas"
mkdir -p "$docdir"
cp "$src/LICENSE" "$docdir/LICENSE"
cp "$src/lapack-netlib/LICENSE" "$docdir/LICENSE.lapack"
# Both in one file, so the prebuild takes a single path (no list separator to get wrong).
{
  echo "OpenBLAS $version (https://github.com/OpenMathLib/OpenBLAS), statically linked:"
  echo
  cat "$src/LICENSE"
  echo
  echo "The LAPACK and LAPACKE routines it contains (Reference-LAPACK, lapack-netlib/LICENSE):"
  echo
  cat "$src/lapack-netlib/LICENSE"
} >"$docdir/NOTICES.txt"
{
  echo "OpenBLAS $version"
  if [ -n "$source_dir" ]; then
    echo "source: $origin"
  else
    echo "source: $url"
    echo "sha256: $sha256"
  fi
  echo "platform: $os-$machine"
  echo "compiler: $("$cc" --version | sed -n 1p)"
  echo "make options: ${options[*]}"
  if [ -n "$patched" ]; then echo "patches: $patched"; fi
  echo "LAPACK: ${fc:-C translation (C_LAPACK)}"
} >"$docdir/BUILD-INFO.txt"

# --- check ---------------------------------------------------------------------------------------
for header in cblas.h lapacke.h lapack.h lapacke_config.h lapacke_mangling.h openblas_config.h; do
  [ -f "$prefix/include/$header" ] || fail "$prefix/include/$header was not installed"
done
archive="$prefix/lib/libopenblas.a"
[ -f "$archive" ] || fail "$archive was not installed"
for shared in "$prefix"/lib/libopenblas*.so* "$prefix"/lib/libopenblas*.dylib; do
  if [ -e "$shared" ]; then fail "a shared library was installed ($shared) although NO_SHARED=1"; fi
done

symbols="$workdir/symbols.txt"
undefined="$workdir/undefined.txt"
# Mach-O names carry a leading underscore; strip it so one list serves both formats.
{ nm -g "$archive" 2>/dev/null || true; } | awk 'NF >= 3 && $2 ~ /^[TDRSBCWVi]$/ { sub(/^_/, "", $3); print $3 }' | sort -u >"$symbols"
{ nm -u "$archive" 2>/dev/null || true; } | awk '{ name = $NF; sub(/^_/, "", name); print name }' | sort -u >"$undefined"
# CBLAS, LAPACK (Fortran names), LAPACKE and the OpenBLAS extensions the addon calls, plus the
# DYNAMIC_ARCH core-name query.
for symbol in cblas_dgemm cblas_sgemm dgesdd_ dsyevd_ dgeev_ dgelsd_ LAPACKE_dgesdd_work LAPACKE_sgetrf_work \
  LAPACKE_dsyevd_work openblas_set_num_threads openblas_get_config openblas_get_corename openblas_get_parallel \
  gotoblas_corename; do
  grep -qx "$symbol" "$symbols" || fail "$archive does not define $symbol"
done
# A gfortran-compiled LAPACK may reach two runtime entries: string concatenation (provided by
# native/gfortran_shim.cc) and etime, from LAPACK's timers, which the addon never calls (the
# prebuild's own check fails if it is linked in after all). Anything else could not be linked.
fortran_needs="$(grep -E '^_?gfortran_' "$undefined" | grep -Ev '^_?gfortran_(concat_string|etime)$' || true)"
if [ -n "$fortran_needs" ] || { [ -z "$fc" ] && grep -Eq '^_?gfortran_' "$undefined"; }; then
  fail "$archive needs the GNU Fortran runtime: $(grep -E '^_?gfortran_' "$undefined" | head -n 5 | tr '\n' ' ')"
fi
# -L: libopenblas.a is a symlink to libopenblasp-r<version>.a, whose size is the one to report.
echo "build-openblas: installed OpenBLAS $version in $prefix ($(du -kL "$archive" | awk '{print $1}') KiB archive, TARGET=$target, DYNAMIC_LIST=${dynamic_list:-full}, LAPACK=$lapack)"
rm -rf "$workdir"
