#!/usr/bin/env node
// npm run test:install: installs the packed package into empty projects, as a user would, on a
// PATH with node and nothing else (no compiler, make or python, so a source build cannot happen
// by accident), and runs a smoke script against what got installed:
//   bundled:  the main tarball with this platform's prebuild inside (prebuilds/);
//   split:    the main tarball without prebuilds, plus the platform package tarball (how the
//             release workflow publishes: @tensorblas/<platform> as an optional dependency);
//   missing:  the main tarball alone: importing must fail with the actionable message.
// Needs `npm run prebuild` first (it makes prebuilds/ and platform-packages/).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSelfContained } from './check-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { platformPackageName } = require('../lib/load-binding.cjs');
const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js')
  ? process.env.npm_execpath
  : join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const platformDir = join(root, 'platform-packages', platformPackageName().split('/')[1]);
if (!existsSync(join(root, 'prebuilds')) || !existsSync(platformDir)) {
  console.error('test:install: run `npm run prebuild` first (no prebuilds/ or platform-packages/ yet)');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tensorblas-install-'));
// The installs see a PATH holding node and sh alone (npm runs lifecycle scripts through sh).
const bin = join(work, 'bin');
mkdirSync(bin);
if (process.platform === 'win32') {
  copyFileSync(process.execPath, join(bin, 'node.exe')); // npm runs scripts through cmd.exe there
} else {
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
}
const env = {
  ...process.env,
  PATH: bin,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_prefer_offline: 'true',
};
for (const key of Object.keys(env)) if (/^(npm_lifecycle|npm_package|INIT_CWD|TENSORBLAS_)/.test(key)) delete env[key];
env.TENSORBLAS_SKIP_BUILD = '1';  // belt and braces: no toolchain on PATH, and no build asked for

function npm(args, cwd, withToolchain = false) {
  const runEnv = withToolchain ? { ...env, PATH: process.env.PATH } : env;
  return execFileSync(process.execPath, [npmCli, ...args], { cwd, env: runEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function pack(dir, extra = []) {
  // Packing runs `prepare` (tsc), so it gets the normal PATH.
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', work, ...extra], dir, true));
  return info;
}

function formatSize(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

// --- The tarballs -------------------------------------------------------------------------------
const bundled = pack(root);
console.log(`main package with the bundled prebuild: ${bundled.filename}, ${formatSize(bundled.size)} packed, ${formatSize(bundled.unpackedSize)} unpacked, ${bundled.files.length} files`);
// The published main package carries no binary: repack it without prebuilds/.
const stage = join(work, 'stage');
mkdirSync(stage);
const tar = process.platform === 'win32' ? join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe') : 'tar';
execFileSync(tar, ['-xzf', join(work, bundled.filename), '-C', stage], { env: process.env });
rmSync(join(stage, 'package', 'prebuilds'), { recursive: true, force: true });
const mainOnlyDir = join(work, 'main-only');
mkdirSync(mainOnlyDir);
const mainOnly = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', mainOnlyDir], join(stage, 'package')))[0];
console.log(`main package without binaries: ${formatSize(mainOnly.size)} packed, ${mainOnly.files.length} files`);
// The packaging lints on what gets published: arethetypeswrong (the types resolve for ESM,
// CommonJS, node10 and bundlers) and publint (exports, files and fields agree).
function runBin(pkg, bin, args) {
  // Not require.resolve(`${pkg}/package.json`): publint's exports map does not expose it.
  const pkgJson = join(root, 'node_modules', pkg, 'package.json');
  const { bin: bins } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const entry = join(dirname(pkgJson), typeof bins === 'string' ? bins : bins[bin]);
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: root, env: process.env, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`test:install: ${bin} reports problems:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}
runBin('@arethetypeswrong/cli', 'attw', [join(mainOnlyDir, mainOnly.filename)]);
console.log('ok arethetypeswrong: no problems for node10, node16 (CommonJS and ESM) and bundlers');
runBin('publint', 'publint', ['--strict', join(stage, 'package')]);
console.log('ok publint: no problems, no suggestions');
const platform = pack(platformDir);
console.log(`platform package ${platform.name}: ${formatSize(platform.size)} packed, ${formatSize(platform.unpackedSize)} unpacked, files: ${platform.files.map((f) => f.path).join(', ')}`);

const SMOKE = `
import { tensor, matmul, linalg, config } from 'tensorblas';
const close = (a, b) => Math.abs(a - b) < 1e-9;
const c = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).toArray();
const { s } = linalg.svd(tensor([[2, 0], [0, -3]]), { computeUV: false });
const x = linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8])).toArray();
const n = 200;
const a = tensor(Float64Array.from({ length: n * n }, (_, i) => Math.sin(i) + (i % (n + 1) === 0 ? n : 0))).reshape([n, n]);
const want = tensor(Float64Array.from({ length: n }, (_, i) => i / n));
const got = linalg.solve(a, matmul(a, want)).toArray();
const ok = JSON.stringify(c) === '[[19,22],[43,50]]' && close(s.toArray()[0], 3) && close(s.toArray()[1], 2) &&
  close(x[0], 2) && close(x[1], 3) && got.every((v, i) => Math.abs(v - i / n) < 1e-10);
const cfg = config();
console.log(JSON.stringify({ ok, binary: cfg.binary, blas: cfg.blas.config }));
`;

// The same smoke test from a CommonJS file: require('tensorblas') must compute too.
const SMOKE_CJS = SMOKE.replace(
  "import { tensor, matmul, linalg, config } from 'tensorblas';",
  "const { tensor, matmul, linalg, config } = require('tensorblas');",
);

function project(name, tarballs, { allowScripts, ignoreScripts = false }) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `install-test-${name}`, private: true, type: 'module', ...(allowScripts ? { allowScripts: { tensorblas: true } } : {}) }, null, 2),
  );
  writeFileSync(join(dir, 'smoke.mjs'), SMOKE);
  writeFileSync(join(dir, 'smoke.cjs'), SMOKE_CJS);
  const log = npm(['install', '--no-save', ...(ignoreScripts ? ['--ignore-scripts'] : []), ...tarballs], dir);
  const run = spawnSync(process.execPath, ['smoke.mjs'], { cwd: dir, env, encoding: 'utf8' });
  const runCjs = spawnSync(process.execPath, ['smoke.cjs'], { cwd: dir, env, encoding: 'utf8' });
  return { dir, log, run, runCjs };
}

const failures = [];
function expectSmoke(name, result, source) {
  const line = result.run.stdout.trim().split('\n').pop() ?? '';
  let report = null;
  try {
    report = JSON.parse(line);
  } catch {}
  if (result.run.status !== 0 || !report?.ok || report.binary?.source !== source) {
    failures.push(`${name}: expected correct results from the ${source}; got status ${result.run.status}\n${result.run.stdout}${result.run.stderr}`);
    return;
  }
  if (existsSync(join(result.dir, 'node_modules', 'tensorblas', 'build'))) {
    failures.push(`${name}: a source build happened (node_modules/tensorblas/build exists)`);
    return;
  }
  // What users got must need nothing from the system but the C and C++ runtimes (ldd, nm).
  const check = checkSelfContained(report.binary.path);
  if (check?.problems.length) {
    failures.push(`${name}: the installed binary is not self-contained: ${check.problems.join('; ')}`);
    return;
  }
  const checked = check === null ? 'dependencies not checked on this OS' : 'no OpenBLAS, LAPACK or gfortran in ldd';
  console.log(`ok ${name}: ${report.binary.source} ${report.binary.path.replace(result.dir, '.')} (${report.blas}; ${checked})`);
  const cjsLine = result.runCjs.stdout.trim().split('\n').pop() ?? '';
  if (result.runCjs.status !== 0 || cjsLine !== line) {
    failures.push(`${name}: require('tensorblas') from CommonJS did not compute the same: status ${result.runCjs.status}\n${result.runCjs.stdout}${result.runCjs.stderr}`);
    return;
  }
  console.log(`ok ${name} (CommonJS): require('tensorblas') computes the same with the same binary`);
}

// The install script is allowed to run in the first two, so it must find the binary and not build.
expectSmoke('bundled', project('bundled', [join(work, bundled.filename)], { allowScripts: true }), 'prebuild');
expectSmoke(
  'split',
  project('split', [join(mainOnlyDir, mainOnly.filename), join(work, platform.filename)], { allowScripts: true }),
  'platform package',
);
// A strict TypeScript consumer (test/consumer: NodeNext, ESM and CJS files, skipLibCheck off)
// compiles against the types of what got installed, with no casts.
{
  const dir = join(work, 'bundled');
  cpSync(join(root, 'test', 'consumer'), join(dir, 'ts'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'ts', 'tsconfig.json')], { cwd: dir, env, encoding: 'utf8' });
  if (tsc.status !== 0) failures.push(`TypeScript consumer: the installed types do not compile strict user code:\n${tsc.stdout}${tsc.stderr}`);
  else console.log('ok TypeScript consumer: strict NodeNext ESM and CJS files compile against the installed types');
}

// No binary anywhere: the install script fails with the loader's message (a source build is off)...
const name = platformPackageName();
try {
  project('missing-install', [join(mainOnlyDir, mainOnly.filename)], { allowScripts: true });
  failures.push('missing-install: npm install succeeded with no binary and no way to build one');
} catch (err) {
  const output = String(err.stderr ?? err);
  if (output.includes(`npm install ${name}`) && output.includes('libopenblas-dev')) {
    console.log(`ok missing-install: npm install fails, naming ${name} and the source-build packages`);
  } else {
    failures.push(`missing-install: the failure does not say what to install:\n${output}`);
  }
}
// ...and with install scripts off, importing fails with the same message instead of a crash.
const missing = project('missing-import', [join(mainOnlyDir, mainOnly.filename)], { allowScripts: false, ignoreScripts: true });
const message = missing.run.stderr;
if (missing.run.status === 0 || !message.includes('TENSORBLAS_NO_BINARY') || !message.includes(`npm install ${name}`)) {
  failures.push(`missing-import: expected the no-binary error naming ${name}; got status ${missing.run.status}\n${missing.run.stdout}${message}`);
} else {
  console.log(`ok missing-import: importing fails with code TENSORBLAS_NO_BINARY, naming ${name}`);
}

if (failures.length) {
  console.error(`\ntest:install failed (work dir kept: ${work}):\n${failures.join('\n\n')}`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
console.log('test:install: every install behaves');
