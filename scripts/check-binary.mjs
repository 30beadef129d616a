// Is a built addon self-contained? It may load the C and C++ runtimes from the system, nothing
// else, and must leave no BLAS, LAPACK or Fortran symbol for the dynamic loader to find.
// Used by scripts/prebuild.mjs on what it built and scripts/test-install.mjs on what got installed.
import { execFileSync } from 'node:child_process';

const SYSTEM_LIBRARIES = {
  linux: /^(linux-vdso|linux-gate|ld-linux[^ ]*|ld-musl[^ ]*|libc|libm|libpthread|libdl|librt|libstdc\+\+|libgcc_s|libc\.musl[^ ]*)(\.so[.0-9]*)?$/,
  darwin: /^\/(usr\/lib\/(libSystem|libc\+\+|libobjc)[^/]*\.dylib|System\/Library\/Frameworks\/Accelerate\.framework\/.*)$/,
};

/** The shared libraries `file` needs (names on Linux, install names on macOS); null where unknown. */
function dependencies(file) {
  if (process.platform === 'linux') {
    return execFileSync('ldd', [file], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0])
      .filter(Boolean)
      .map((name) => name.replace(/^.*\//, ''));
  }
  if (process.platform === 'darwin') {
    return execFileSync('otool', ['-L', file], { encoding: 'utf8' })
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0])
      .filter(Boolean);
  }
  return null;
}

/**
 * `file`'s shared-library dependencies and what keeps it from being self-contained (`problems`
 * empty when it is); null where this cannot be checked.
 */
export function checkSelfContained(file) {
  const deps = dependencies(file);
  if (deps === null) return null;
  const problems = deps.filter((d) => !SYSTEM_LIBRARIES[process.platform].test(d)).map((d) => `depends on ${d}`);
  if (process.platform === 'linux') {
    const undefinedSymbols = execFileSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8' });
    // Anything of OpenBLAS's, LAPACKE's, the Fortran runtime's, or a Fortran-style BLAS/LAPACK
    // routine (dsyevr_, sgemm_, ...): an addon loads lazily, so one left would abort at first use.
    const leftover = undefinedSymbols.match(/(?<=\s)(_gfortran_\w+|cblas_\w+|LAPACKE_\w+|openblas_\w+|[sdczi][a-z0-9]{2,9}_)(?=\s|@|$)/gm);
    if (leftover) problems.push(`leaves ${[...new Set(leftover)].join(', ')} unresolved`);
  }
  return { deps, problems };
}
