#!/usr/bin/env node
'use strict';
// npm's install step: nothing to do when a binary already loads (a prebuilt platform package, a
// bundled prebuild, or an earlier build); otherwise build from source with node-gyp, whose
// failure message (scripts/find-blas.cjs) says what to install.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { loadBinding } = require('../lib/load-binding.cjs');

const root = path.join(__dirname, '..');
let missing;
try {
  const { path: file, source } = loadBinding(root);
  console.log(`tensorblas: using the ${source} at ${path.relative(root, file) || file}`);
  process.exit(0);
} catch (err) {
  missing = err;  // nothing loads: build below
}
if (process.env.TENSORBLAS_SKIP_BUILD === '1' || process.env.npm_config_build_from_source === 'false') {
  console.error(`${missing.message}\n(Building from source is disabled here by TENSORBLAS_SKIP_BUILD or build-from-source=false.)`);
  process.exit(1);
}
// npm names its bundled node-gyp in npm_config_node_gyp; a clone has its own as a devDependency.
let nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp) {
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
  } catch {
    console.error('tensorblas: no prebuilt binary for this platform, and node-gyp was not found to build one (run this through npm).');
    process.exit(1);
  }
}
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
