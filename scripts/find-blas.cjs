#!/usr/bin/env node
// The one place that finds OpenBLAS + LAPACKE. binding.gyp and CMakeLists.txt both ask it,
// so the two builds cannot drift. pkg-config first, then the usual install locations.
//   node scripts/find-blas.cjs --cflags | --libs | --ldflags | --rpath | --cmake | --json
// TENSORBLAS_STATIC=1 (npm run prebuild sets it) links the static archives instead, so the addon
// depends on nothing but glibc and libstdc++.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function pkgConfig(args) {
  try {
    return execFileSync('pkg-config', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function split(flags) {
  return flags ? flags.split(/\s+/).filter(Boolean) : [];
}

// Candidate prefixes: Debian/Ubuntu (multiarch, pthread/openmp/serial variants), Fedora, Homebrew.
function candidates() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch] || process.arch;
  const multi = `/usr/lib/${arch}-linux-gnu`;
  const inc = `/usr/include/${arch}-linux-gnu`;
  const out = [];
  for (const variant of ['openblas-pthread', 'openblas-openmp', 'openblas-serial']) {
    out.push({ include: [`${inc}/${variant}`, inc, '/usr/include'], lib: [`${multi}/${variant}`, multi] });
  }
  out.push({ include: ['/usr/include/openblas', '/usr/include'], lib: ['/usr/lib64', '/usr/lib'] });
  for (const brew of ['/opt/homebrew/opt', '/usr/local/opt']) {
    out.push({ include: [`${brew}/openblas/include`, `${brew}/lapack/include`], lib: [`${brew}/openblas/lib`, `${brew}/lapack/lib`] });
  }
  return out;
}

function findFile(dirs, names) {
  for (const d of dirs) for (const n of names) if (fs.existsSync(path.join(d, n))) return d;
  return null;
}

// A separate LAPACKE library, as distributions ship it; OpenBLAS built from source carries LAPACKE
// inside libopenblas instead.
const LAPACKE_LIBS = ['liblapacke.so', 'liblapacke.dylib', 'liblapacke.a', 'lapacke.lib'];

function resolve() {
  const env = process.env;
  if (env.TENSORBLAS_BLAS_INCLUDE && env.TENSORBLAS_BLAS_LIB) {
    const libDirs = env.TENSORBLAS_BLAS_LIB.split(path.delimiter);
    const separateLapacke = findFile(libDirs, LAPACKE_LIBS);
    return {
      source: 'environment',
      includeDirs: env.TENSORBLAS_BLAS_INCLUDE.split(path.delimiter),
      libDirs,
      libs: separateLapacke ? ['-lopenblas', '-llapacke'] : ['-lopenblas'],
    };
  }
  const pc = pkgConfig(['--cflags', '--libs', 'openblas', 'lapacke']);
  if (pc !== null) {
    const flags = split(pc);
    const includeDirs = flags.filter((f) => f.startsWith('-I')).map((f) => f.slice(2).replace(/\/$/, ''));
    const libDirs = flags.filter((f) => f.startsWith('-L')).map((f) => f.slice(2).replace(/\/$/, ''));
    const libs = flags.filter((f) => f.startsWith('-l'));
    // lapacke.h may live beside the generic include dir rather than the OpenBLAS one.
    if (!findFile(includeDirs, ['lapacke.h'])) includeDirs.push('/usr/include');
    if (findFile(includeDirs, ['cblas.h']) && findFile(includeDirs, ['lapacke.h'])) {
      return { source: 'pkg-config', includeDirs, libDirs, libs };
    }
  }
  for (const c of candidates()) {
    const cblasDir = findFile(c.include, ['cblas.h']);
    const lapackeDir = findFile(c.include, ['lapacke.h']);
    const blasLib = findFile(c.lib, ['libopenblas.so', 'libopenblas.dylib', 'libopenblas.a']);
    if (cblasDir && lapackeDir && blasLib) {
      const separateLapacke = findFile(c.lib, LAPACKE_LIBS);
      return {
        source: 'search',
        includeDirs: [...new Set([cblasDir, lapackeDir])],
        libDirs: [...new Set([blasLib, separateLapacke ?? blasLib])],
        libs: separateLapacke ? ['-lopenblas', '-llapacke'] : ['-lopenblas'],
      };
    }
  }
  return null;
}

const HELP = `tensorblas: OpenBLAS and LAPACKE were not found, so the native addon cannot be built.
Install them, then run npm install again:
  Debian/Ubuntu:  sudo apt-get install -y libopenblas-dev liblapacke-dev pkg-config
  Fedora/RHEL:    sudo dnf install -y openblas-devel lapack-devel pkgconf-pkg-config
  Alpine:         apk add openblas-dev lapack-dev pkgconf
  macOS:          brew install openblas lapack pkg-config
Or point the build at an install: TENSORBLAS_BLAS_INCLUDE=<dir with cblas.h and lapacke.h>
  TENSORBLAS_BLAS_LIB=<dir with libopenblas and liblapacke>.`;

// The static archives behind a shared-library resolution, as absolute paths so the linker cannot
// pick the .so instead. Debian's archive is compiled with gfortran, but the GNU Fortran runtime
// cannot go into a shared object (libgfortran.a uses local-exec TLS); the one runtime entry
// LAPACK reaches is in native/gfortran_shim.cc, and scripts/prebuild.mjs checks nothing else is left.
function compilerFile(name) {
  try {
    return execFileSync(process.env.CC || 'gcc', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function staticLibs(found) {
  const windows = process.platform === 'win32';
  const archives = [];
  for (const name of ['lapacke', 'openblas']) {
    if (!found.libs.includes(`-l${name}`)) continue;
    const file = windows ? `${name}.lib` : `lib${name}.a`;
    // pkg-config leaves out -L for the linker's default directories; the compiler knows those.
    const dir = findFile(found.libDirs, [file]) || (windows ? '' : path.dirname(compilerFile(file)));
    if (!dir || !fs.existsSync(path.join(dir, file))) {
      return { error: `${file} was not found (Debian: libopenblas-pthread-dev, liblapacke-dev)` };
    }
    archives.push(path.join(dir, file));
  }
  // MSVC's linker would read -lm as m.lib; the C runtime there already has what they provide.
  return { libs: windows ? archives : [...archives, '-lm', '-lpthread'] };
}

let found = resolve();
if (found && process.env.TENSORBLAS_STATIC === '1') {
  const linked = staticLibs(found);
  if (linked.error) {
    process.stderr.write(`\ntensorblas: a static build was asked for (TENSORBLAS_STATIC=1), but ${linked.error}.\n\n`);
    process.exit(1);
  }
  found = { ...found, source: `${found.source} (static)`, libDirs: [], libs: linked.libs, static: true };
}
const mode = process.argv[2] || '--json';
if (!found) {
  process.stderr.write(`\n${HELP}\n\n`);
  process.exit(1);
}
switch (mode) {
  case '--cflags':
    process.stdout.write(found.includeDirs.join(' '));
    break;
  case '--libs':
    process.stdout.write([...found.libDirs.map((d) => `-L${d}`), ...found.libs].join(' '));
    break;
  case '--rpath':
    process.stdout.write(found.libDirs.join(':'));
    break;
  case '--ldflags':
    // A shared build finds the libraries again at run time through an rpath; a static one has
    // nothing to find, and keeps the Fortran runtime's and libgcc's symbols out of its exports.
    // (No libDirs: the libraries are in the linker's default path, and an empty rpath would mean
    // the current directory.)
    process.stdout.write(found.static ? '-static-libgcc' : found.libDirs.length ? `-Wl,-rpath,${found.libDirs.join(':')}` : '');
    break;
  case '--cmake':
    // CMake list syntax: three lines, include dirs; link dirs; libraries (without -l).
    process.stdout.write(
      [found.includeDirs.join(';'), found.libDirs.join(';'), found.libs.map((l) => (l.startsWith('-l') ? l.slice(2) : l)).join(';')].join('\n'),
    );
    break;
  default:
    process.stdout.write(JSON.stringify(found, null, 2) + '\n');
}
