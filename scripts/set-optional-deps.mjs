#!/usr/bin/env node
// Release step: makes package.json name every prebuilt platform package as an optional dependency,
// pinned to its exact version, as sharp and esbuild do, so npm installs the one package whose
// os/cpu/libc fields match the machine and skips the others.
//
//   node scripts/set-optional-deps.mjs [--package-json <file>] [--dry-run] <package>...
//
// Each <package> is either a staged platform package directory (platform-packages/<name>/ as
// `npm run prebuild` makes it, or the CI artifact of one) whose package.json gives the name and
// version, or a bare package name, which gets the main package's version.
//
// The names themselves are never spelled out here: they come from the staged packages, which
// scripts/prebuild.mjs names with lib/load-binding.cjs's platformPackageName() (the one place the
// rule `@tensorblas/<platform>-<arch>[-musl]` lives). This script takes the scope from that same
// function and refuses any name outside it, any version other than the main package's, and
// duplicates. Optional dependencies already in the scope are replaced, so a platform dropped from
// the release does not linger; optional dependencies outside the scope are left alone.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { platformPackageName } = require('../lib/load-binding.cjs');

function fail(message) {
  console.error(`set-optional-deps: ${message}`);
  process.exit(1);
}

// --- arguments -----------------------------------------------------------------------------------
let packageJsonPath = join(root, 'package.json');
let dryRun = false;
const inputs = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--package-json') {
    if (i + 1 >= argv.length) fail('--package-json needs a file');
    packageJsonPath = resolve(argv[++i]);
  } else if (arg === '--dry-run') {
    dryRun = true;
  } else if (arg === '--help' || arg === '-h') {
    console.log('usage: node scripts/set-optional-deps.mjs [--package-json <file>] [--dry-run] <platform package dir | name>...');
    process.exit(0);
  } else if (arg.startsWith('--')) {
    fail(`unknown option ${arg}`);
  } else {
    inputs.push(arg);
  }
}
if (!inputs.length) fail('no platform packages given (pass the staged package directories, e.g. platform-packages/*/)');

const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
if (typeof pkg.version !== 'string' || !pkg.version) fail(`${packageJsonPath} has no version`);

// The scope, from the naming rule's single home.
const scope = platformPackageName().split('/')[0];
if (!/^@[a-z0-9][a-z0-9._~-]*$/.test(scope)) fail(`lib/load-binding.cjs gave an unexpected scope: ${scope}`);

// --- collect -------------------------------------------------------------------------------------
const found = new Map(); // name -> { version, from }
for (const input of inputs) {
  let name;
  let version;
  let from;
  if (existsSync(input) && statSync(input).isDirectory()) {
    const file = join(input, 'package.json');
    if (!existsSync(file)) fail(`${input} is a directory without a package.json`);
    const platformPkg = JSON.parse(readFileSync(file, 'utf8'));
    name = platformPkg.name;
    version = platformPkg.version;
    from = file;
    if (!existsSync(join(input, 'tensorblas.node'))) fail(`${input} has no tensorblas.node: not a staged platform package`);
  } else {
    name = input;
    version = pkg.version;
    from = 'the command line';
  }
  if (typeof name !== 'string' || !name.startsWith(`${scope}/`) || name.length === scope.length + 1 || name.slice(scope.length + 1).includes('/')) {
    fail(`${JSON.stringify(name)} (from ${from}) is not a ${scope}/<platform> package name`);
  }
  if (version !== pkg.version) {
    fail(`${name} is version ${version} (from ${from}) but ${pkg.name} is ${pkg.version}; every platform package must be built from this version`);
  }
  if (found.has(name)) fail(`${name} is given twice (${found.get(name).from} and ${from})`);
  found.set(name, { version, from });
}

// --- write ---------------------------------------------------------------------------------------
const kept = Object.entries(pkg.optionalDependencies ?? {}).filter(([dep]) => !dep.startsWith(`${scope}/`));
const added = [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, { version }]) => [name, version]);
pkg.optionalDependencies = Object.fromEntries([...kept, ...added]);

const text = JSON.stringify(pkg, null, 2) + '\n';
if (dryRun) {
  process.stdout.write(JSON.stringify({ optionalDependencies: pkg.optionalDependencies }, null, 2) + '\n');
} else {
  writeFileSync(packageJsonPath, text);
}
console.error(
  `set-optional-deps: ${dryRun ? 'would pin' : 'pinned'} ${added.length} platform package(s) at ${pkg.version} in ${packageJsonPath}:\n` +
    added.map(([name]) => `  ${name}\n`).join(''),
);
