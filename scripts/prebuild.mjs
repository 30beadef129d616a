#!/usr/bin/env node
// npm run prebuild: the self-contained binary for this platform.
//   1. prebuildify builds the addon against the static OpenBLAS/LAPACKE archives
//      (TENSORBLAS_STATIC=1, see scripts/find-blas.cjs), strips it, and puts it in
//      prebuilds/<platform>-<arch>/, where node-gyp-build finds it;
//   2. the binary is checked: it may depend on the C and C++ runtimes only, with no BLAS, LAPACK
//      or Fortran symbol left for the dynamic loader to find;
//   3. it is staged as the platform package platform-packages/<platform>-<arch>[-musl]/, which
//      the release workflow publishes as @tensorblas/<platform>-<arch>[-musl].
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSelfContained } from './check-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { platformPackageName } = require('../lib/load-binding.cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

// --- 1. build ------------------------------------------------------------------------------------
const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
rmSync(dir, { recursive: true, force: true });
const prebuildify = require.resolve('prebuildify/bin.js');
// The libc tag only means something on Linux (glibc or musl builds of the same platform).
execFileSync(process.execPath, [prebuildify, '--napi', '--strip', ...(process.platform === 'linux' ? ['--tag-libc'] : [])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TENSORBLAS_STATIC: '1' },
});
const files = readdirSync(dir).filter((f) => f.endsWith('.node'));
if (files.length !== 1) fail(`expected one binary in ${dir}, found ${files.join(', ') || 'none'}`);
const binary = join(dir, files[0]);

// --- 2. check ------------------------------------------------------------------------------------
const check = checkSelfContained(binary);
if (check === null) console.log(`prebuild: dependency check skipped on ${process.platform} (no ldd/otool)`);
else if (check.problems.length) fail(`${relative(root, binary)} is not self-contained: ${check.problems.join('; ')}`);
else console.log(`prebuild: ${relative(root, binary)} depends only on the C and C++ runtimes (${check.deps.join(', ')})`);
const size = statSync(binary).size;
console.log(`prebuild: ${relative(root, binary)} is ${(size / 2 ** 20).toFixed(1)} MiB`);

// --- 3. stage the platform package ---------------------------------------------------------------
const name = platformPackageName();
const platformDir = name.split('/')[1]; // e.g. linux-x64, linux-x64-musl
const staged = join(root, 'platform-packages', platformDir);
rmSync(staged, { recursive: true, force: true });
mkdirSync(staged, { recursive: true });
copyFileSync(binary, join(staged, 'tensorblas.node'));
const isMusl = name.endsWith('-musl');
const platformPkg = {
  name,
  version: pkg.version,
  description: `tensorblas's prebuilt addon for ${platformDir}, statically linked with OpenBLAS and LAPACK`,
  license: pkg.license,
  repository: pkg.repository,
  os: [process.platform],
  cpu: [process.arch],
  ...(process.platform === 'linux' ? { libc: [isMusl ? 'musl' : 'glibc'] } : {}),
  files: ['tensorblas.node', 'THIRD_PARTY_NOTICES.txt'],
  exports: { './tensorblas.node': './tensorblas.node', './package.json': './package.json' },
  preferUnplugged: true,
};
writeFileSync(
  join(staged, 'README.md'),
  `# ${name}\n\nThe prebuilt native addon of [tensorblas](https://www.npmjs.com/package/tensorblas) for ` +
    `${platformDir}. Install \`tensorblas\`, not this package: it is an optional dependency that npm picks for your platform.\n`,
);
// The binary carries OpenBLAS and LAPACK, whose BSD licenses ask for their notices to travel with
// it: Debian's copyright files here, the release workflow's OpenBLAS LICENSE through the variable.
const noticeFiles = (process.env.TENSORBLAS_LICENSE_FILES ?? '/usr/share/doc/libopenblas0-pthread/copyright' + delimiter + '/usr/share/doc/liblapacke/copyright')
  .split(delimiter)
  .filter((f) => f && existsSync(f));
if (!noticeFiles.length) fail('no OpenBLAS/LAPACK license text found; set TENSORBLAS_LICENSE_FILES');
writeFileSync(
  join(staged, 'THIRD_PARTY_NOTICES.txt'),
  noticeFiles.map((f) => `==== ${f} ====\n\n${readFileSync(f, 'utf8')}`).join('\n'),
);
writeFileSync(join(staged, 'package.json'), JSON.stringify(platformPkg, null, 2) + '\n');
console.log(`prebuild: staged ${name} in ${relative(root, staged)}`);
