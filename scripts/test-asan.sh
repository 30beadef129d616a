#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer through CMake and runs the
# test suite against that build. node itself is not instrumented, so the ASan runtime is preloaded;
# leak checking is off because V8's own allocations would drown the report.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js rebuild --out build-asan --CDSANITIZE=address,undefined --CDTENSORBLAS_WERROR=ON >/tmp/tensorblas-asan-build.log 2>&1 ||
  { tail -40 /tmp/tensorblas-asan-build.log; exit 1; }
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
export TENSORBLAS_ADDON="$PWD/build-asan/Release/tensorblas.node"
export LD_PRELOAD="$asan:$ubsan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
npx vitest run "$@"
