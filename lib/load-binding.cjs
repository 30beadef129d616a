'use strict';
// Finds and loads the native addon. lib/native.ts and scripts/install.cjs both use this, so the
// install step and run time agree on what counts as "a binary is there". In order:
//   1. $TENSORBLAS_ADDON, a specific file (the sanitizer build uses it);
//   2. this package's own build/Release or prebuilds/<platform>-<arch>/ (node-gyp-build's rules);
//   3. the platform package @tensorblas/<platform>-<arch>[-musl], an optional dependency that
//      carries one statically linked prebuilt binary, as sharp and esbuild ship theirs.
// A candidate that exists but fails to load (say, a local build whose libopenblas.so was removed)
// is remembered and the next one is tried; the error lists every attempt and what to do.
const path = require('node:path');

const SCOPE = '@tensorblas';

let musl = null;
function isMusl() {
  if (process.platform !== 'linux') return false;
  if (musl !== null) return musl;
  // detect-libc's tests: the system's ldd script names its C library (cheap); otherwise glibc's
  // version is in the process report exactly when Node runs on glibc (the report skips the
  // network section, which can take seconds on some hosts).
  try {
    const ldd = require('node:fs').readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return (musl = true);
    if (ldd.includes('GNU C Library') || ldd.includes('glibc')) return (musl = false);
  } catch {}
  const report = process.report;
  if (report && typeof report.getReport === 'function') {
    const exclude = report.excludeNetwork;
    report.excludeNetwork = true;
    try {
      musl = !report.getReport().header.glibcVersionRuntime;
    } finally {
      report.excludeNetwork = exclude;
    }
    return musl;
  }
  return (musl = false);
}

/** The platform package's name for this process, e.g. '@tensorblas/linux-x64' or '@tensorblas/linux-x64-musl'. */
function platformPackageName() {
  return `${SCOPE}/${process.platform}-${process.arch}${isMusl() ? '-musl' : ''}`;
}

function describeError(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

/**
 * Loads the addon for the package rooted at `root`.
 * @returns {{ binding: object, path: string, source: 'TENSORBLAS_ADDON' | 'build' | 'prebuild' | 'platform package' }}
 */
function loadBinding(root) {
  const explicit = process.env.TENSORBLAS_ADDON;
  if (explicit) {
    const file = path.resolve(explicit);
    return { binding: require(file), path: file, source: 'TENSORBLAS_ADDON' };
  }
  const attempts = [];
  let file = null;
  try {
    file = require('node-gyp-build').resolve(root);
  } catch (err) {
    attempts.push(`no local build or bundled prebuild in ${root}`);
  }
  if (file) {
    try {
      const source = file.split(path.sep).includes('prebuilds') ? 'prebuild' : 'build';
      return { binding: require(file), path: file, source };
    } catch (err) {
      attempts.push(`${file} did not load: ${describeError(err)}`);
    }
  }
  const pkg = platformPackageName();
  let packaged = null;
  try {
    packaged = require.resolve(`${pkg}/tensorblas.node`, { paths: [root] });
  } catch {
    attempts.push(`the platform package ${pkg} is not installed`);
  }
  if (packaged) {
    try {
      return { binding: require(packaged), path: packaged, source: 'platform package' };
    } catch (err) {
      attempts.push(`${packaged} did not load: ${describeError(err)}`);
    }
  }
  const platform = `${process.platform}-${process.arch}${process.platform === 'linux' ? (isMusl() ? ' (musl)' : ' (glibc)') : ''}`;
  const error = new Error(
    `tensorblas: no native addon could be loaded for ${platform}.\n` +
      attempts.map((a) => `  - ${a}\n`).join('') +
      `What to do:\n` +
      `  - Prebuilt binary: \`npm install ${pkg}\` (npm leaves it out under --omit=optional or\n` +
      `    --no-optional, or when the lockfile was made on another platform).\n` +
      `  - Or build from source: install OpenBLAS and LAPACKE (Debian/Ubuntu: apt-get install -y\n` +
      `    libopenblas-dev liblapacke-dev pkg-config; \`node ${path.join(root, 'scripts', 'find-blas.cjs')}\` lists\n` +
      `    the other systems), then \`npm rebuild tensorblas\`. npm 11 skips dependencies' install\n` +
      `    scripts until allowed: \`npm install-scripts approve tensorblas\` first.`,
  );
  error.code = 'TENSORBLAS_NO_BINARY';
  throw error;
}

module.exports = { loadBinding, platformPackageName };
