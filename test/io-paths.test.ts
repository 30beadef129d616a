// File paths are paths: every file function in lib/io.ts takes a string, a file: URL or a Buffer
// path and refuses anything else (a number would be a file descriptor to node:fs: load(0) reads
// stdin, save(1, t) writes into stdout) with a TypeError before node:fs is touched.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eye } from '../lib/creation.js';
import { load, loadAsync, readCsv, readCsvAsync, save, saveAsync, toNpy, type FilePath } from '../lib/io.js';
import type { Tensor } from '../lib/tensor.js';

const root = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'tensorblas-io-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PATH_ERROR = /^Expected a string, URL or Buffer path for path but received /;

// The child runs lib/ itself (not the compiled dist/, which may be stale): vite-node, which
// vitest runs on, executes the TypeScript sources in a plain node process. Its stdin is a pipe
// the parent never writes to or closes, so a read of fd 0 would block until the parent's timeout.
const VITE_NODE = join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const CHILD = `
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

// Record every node:fs call the I/O functions can make (the ESM named exports follow the patch).
const touched = [];
const spy = (mod, names, tag) => {
  for (const name of names) {
    const orig = mod[name];
    mod[name] = function (...args) {
      touched.push(tag + name);
      return orig.apply(this, args);
    };
  }
};
spy(fs, ['openSync', 'readSync', 'closeSync', 'readFileSync', 'writeFileSync', 'createReadStream'], 'fs.');
spy(fsp, ['readFile', 'writeFile'], 'fsp.');
syncBuiltinESMExports();

const io = await import(${JSON.stringify(join(root, 'lib', 'io.ts'))});
const { eye } = await import(${JSON.stringify(join(root, 'lib', 'creation.ts'))});
const t = eye(3);
touched.length = 0; // loading the modules read their sources

const syncCases = {
  'load(0)': () => io.load(0),
  'load(1)': () => io.load(1),
  'load(-1)': () => io.load(-1),
  'load(NaN)': () => io.load(NaN),
  'load(null)': () => io.load(null),
  'load(undefined)': () => io.load(undefined),
  'load(true)': () => io.load(true),
  'load({})': () => io.load({}),
  'load([])': () => io.load([]),
  'load(10n)': () => io.load(10n),
  'load(Symbol())': () => io.load(Symbol('s')),
  'load({ fd: 0 })': () => io.load({ fd: 0 }),
  'readCsv(0)': () => io.readCsv(0),
  'readCsv(1)': () => io.readCsv(1),
  'readCsv(0, opts)': () => io.readCsv(0, { header: true }),
  'save(1, t)': () => io.save(1, t),
  'save(2, t)': () => io.save(2, t),
  'save(3, t)': () => io.save(3, t),
  'save(1, not a tensor)': () => io.save(1, 'x'),
  'save(false, t)': () => io.save(false, t),
};
const asyncCases = {
  'loadAsync(0)': () => io.loadAsync(0),
  'loadAsync({})': () => io.loadAsync({}),
  'readCsvAsync(0)': () => io.readCsvAsync(0),
  'readCsvAsync([])': () => io.readCsvAsync([]),
  'saveAsync(true, t)': () => io.saveAsync(true, t),
  'saveAsync(1, t)': () => io.saveAsync(1, t),
  'saveAsync(2, t)': () => io.saveAsync(2, t),
  'loadAsync(null)': () => io.loadAsync(null),
};
const results = {};
const describeError = (e) => (e instanceof Error ? e.constructor.name + ': ' + e.message : 'non-Error ' + String(e));
for (const [name, f] of Object.entries(syncCases)) {
  try {
    f();
    results[name] = 'returned';
  } catch (e) {
    results[name] = describeError(e);
  }
}
for (const [name, f] of Object.entries(asyncCases)) {
  let p;
  try {
    p = f();
  } catch (e) {
    results[name] = 'threw synchronously: ' + describeError(e);
    continue;
  }
  try {
    await p;
    results[name] = 'resolved';
  } catch (e) {
    results[name] = describeError(e);
  }
}
const guarded = touched.slice();

// Controls: the spy sees each function reach node:fs when the path is a real one.
const missing = join(process.cwd(), 'missing');
const controls = {};
for (const [name, f] of Object.entries({
  load: () => io.load(missing), loadAsync: () => io.loadAsync(missing), readCsv: () => io.readCsv(missing),
  readCsvAsync: () => io.readCsvAsync(missing), save: () => io.save(join(process.cwd(), 'ok.npy'), t),
  saveAsync: () => io.saveAsync(join(process.cwd(), 'ok-async.npy'), t),
})) {
  touched.length = 0;
  try { await f(); } catch {}
  controls[name] = touched.slice();
}
console.log('RESULT ' + JSON.stringify({ results, guarded, controls }));
`;

interface ChildRun { code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: Buffer; ms: number; timedOut: boolean }

/** Runs `script` (an .mjs file) under vite-node with stdin an open pipe nobody writes to. */
function runWithOpenStdin(script: string, cwd: string, timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(process.execPath, [VITE_NODE, script], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), ms: Date.now() - start, timedOut });
    });
  });
}

describe('I/O functions refuse what is not a path (child process with stdin an open pipe)', () => {
  it('throws or rejects a TypeError for numbers, booleans, objects, arrays and null, touching neither fs nor stdin/stdout', async () => {
    expect(existsSync(VITE_NODE), 'vite-node (a dependency of vitest) runs the TypeScript sources').toBe(true);
    const cwd = mkdtempSync(join(tmp, 'child-'));
    const script = join(tmp, 'child.mjs');
    writeFileSync(script, CHILD);
    const r = await runWithOpenStdin(script, cwd, 30_000);
    const stdout = r.stdout.toString('latin1');
    const stderr = r.stderr.toString('latin1');
    expect(r.timedOut, `the child hung (a read of stdin?) after ${r.ms} ms\n${stderr}`).toBe(false);
    expect(r.signal, stderr).toBeNull();
    expect(r.code, stderr).toBe(0);
    // Nothing in the .npy format reached stdout or stderr (save(1, t), save(2, t) would put it there).
    expect(stdout.includes('\x93NUMPY')).toBe(false);
    expect(stderr.includes('\x93NUMPY')).toBe(false);
    expect(r.stdout.includes(Buffer.from(toNpy(eye(3))))).toBe(false);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, stdout + stderr).toBeDefined();
    const { results, guarded, controls } = JSON.parse(line!.slice(7)) as {
      results: Record<string, string>; guarded: string[]; controls: Record<string, string[]>;
    };
    expect(Object.keys(results).length).toBe(28);
    for (const [name, result] of Object.entries(results)) {
      expect(result, name).toMatch(/^TypeError: Expected a string, URL or Buffer path for path but received /);
    }
    expect(results['load(0)']).toBe('TypeError: Expected a string, URL or Buffer path for path but received 0 of type number');
    expect(results['save(1, t)']).toBe('TypeError: Expected a string, URL or Buffer path for path but received 1 of type number');
    expect(results['saveAsync(true, t)']).toBe('TypeError: Expected a string, URL or Buffer path for path but received true of type boolean');
    expect(results['loadAsync({})']).toBe('TypeError: Expected a string, URL or Buffer path for path but received Object');
    expect(results['readCsvAsync([])']).toBe('TypeError: Expected a string, URL or Buffer path for path but received array of length 0');
    expect(results['load(null)']).toBe('TypeError: Expected a string, URL or Buffer path for path but received null');
    expect(results['save(1, not a tensor)'], 'the path is checked first').toMatch(/received 1 of type number$/);
    // node:fs was never called for any of them ...
    expect(guarded).toEqual([]);
    // ... while the spy does see each function reach it with a real path.
    // (writeFileSync opens and closes through the same patched module, hence "first call")
    expect(Object.fromEntries(Object.entries(controls).map(([k, v]) => [k, v[0]]))).toEqual({
      load: 'fs.readFileSync', loadAsync: 'fsp.readFile', readCsv: 'fs.openSync', readCsvAsync: 'fs.createReadStream',
      save: 'fs.writeFileSync', saveAsync: 'fsp.writeFile',
    });
    // and nothing was written but the two control files
    expect(readdirSync(cwd).sort()).toEqual(['ok-async.npy', 'ok.npy']);
  }, 60_000);
});

describe('FilePath: strings, file: URLs and Buffer paths', () => {
  const t = eye(2);
  const csvText = 'a,b\n1,2\n3,4\n';

  it('every file function takes a string, a file: URL, a Buffer and a Uint8Array', async () => {
    const base = join(tmp, 'forms');
    const forms: [string, (p: string) => FilePath][] = [
      ['string', (p) => p],
      ['URL', (p) => pathToFileURL(p)],
      ['Buffer', (p) => Buffer.from(p)],
      ['Uint8Array', (p) => new TextEncoder().encode(p)],
      ['Uint8Array view', (p) => { const b = new TextEncoder().encode(`xx${p}`); return b.subarray(2); }],
    ];
    for (const [name, form] of forms) {
      const npy = `${base}-${name.replace(' ', '-')}.npy`;
      const npyAsync = `${base}-${name.replace(' ', '-')}-async.npy`;
      const csv = `${base}-${name.replace(' ', '-')}.csv`;
      writeFileSync(csv, csvText);
      save(form(npy), t);
      await saveAsync(form(npyAsync), t);
      expect(load(form(npy)).toArray(), name).toEqual([[1, 0], [0, 1]]);
      expect((await loadAsync(form(npyAsync))).toArray(), name).toEqual([[1, 0], [0, 1]]);
      expect(readCsv(form(csv), { header: true }).toArray(), name).toEqual([[1, 2], [3, 4]]);
      expect((await readCsvAsync(form(csv), { header: true })).toArray(), name).toEqual([[1, 2], [3, 4]]);
    }
  });

  it('names a URL or Buffer path in error messages as a readable path', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, '1,x\n');
    expect(() => readCsv(pathToFileURL(bad))).toThrow(`readCsv('${pathToFileURL(bad).href}'): line 1: field 2 "x" is not a number`);
    expect(() => readCsv(Buffer.from(bad))).toThrow(`readCsv('${bad}'): line 1`);
    await expect(readCsvAsync(new TextEncoder().encode(bad))).rejects.toThrow(`readCsvAsync('${bad}'): line 1`);
  });

  const rejected: [string, unknown, RegExp][] = [
    ['an empty string', '', /^Expected a string, URL or Buffer path for path but received an empty string$/],
    ['a NUL character', 'a\0b.npy', /^Expected a string, URL or Buffer path without NUL characters for path but received "a\\u0000b\.npy" \(NUL at index 1\)$/],
    ['an empty Buffer', Buffer.alloc(0), /^Expected a string, URL or Buffer path for path but received an empty Buffer$/],
    ['a Buffer with byte 0', Buffer.from('ab\0'), /^Expected a string, URL or Buffer path without NUL bytes for path but received a Buffer with byte 0 at index 2$/],
    ['an empty Uint8Array', new Uint8Array(0), /received an empty Uint8Array$/],
    ['an http: URL', new URL('https://example.com/a.npy'), /^Expected a file: URL for path but received the https: URL https:\/\/example\.com\/a\.npy$/],
    ['a file: URL with an encoded NUL', new URL('file:///tmp/a%00b'), /^Expected a file: URL without NUL characters for path but received file:\/\/\/tmp\/a%00b$/],
    ['a file: URL with a host', new URL('file://server/share/a.npy'), /^Expected a file: URL of a local path for path but received file:\/\/server\/share\/a\.npy \(/],
    ['a file: URL with an encoded slash', new URL('file:///tmp/a%2Fb'), /^Expected a file: URL of a local path for path but received file:\/\/\/tmp\/a%2Fb/],
    ['a Float64Array', new Float64Array([1]), PATH_ERROR],
    ['a DataView', new DataView(new ArrayBuffer(4)), PATH_ERROR],
    ['an ArrayBuffer', new ArrayBuffer(4), PATH_ERROR],
    ['a URL-like object', { href: 'file:///tmp/a.npy', protocol: 'file:' }, /received Object$/],
    ['a String object', new String('a.npy'), /received String$/],
  ];
  for (const [what, path, message] of rejected) {
    it(`refuses ${what} with a TypeError before touching the file system, in all six functions`, async () => {
      const p = path as FilePath;
      const sync: [string, () => unknown][] = [
        ['load', () => load(p)], ['save', () => save(p, t)], ['readCsv', () => readCsv(p)],
      ];
      for (const [name, f] of sync) {
        let caught: unknown;
        try {
          f();
        } catch (e) {
          caught = e;
        }
        expect(caught, name).toBeInstanceOf(TypeError);
        expect((caught as Error).message, name).toMatch(message);
      }
      const asyncs: [string, () => Promise<unknown>][] = [
        ['loadAsync', () => loadAsync(p)], ['saveAsync', () => saveAsync(p, t)], ['readCsvAsync', () => readCsvAsync(p)],
      ];
      for (const [name, f] of asyncs) {
        const pending = f(); // never throws synchronously
        await expect(pending, name).rejects.toThrow(TypeError);
        await expect(pending, name).rejects.toThrow(message);
      }
    });
  }

  it('checks the path before the other arguments', async () => {
    expect(() => save(0 as unknown as string, 'not a tensor' as unknown as Tensor)).toThrow(PATH_ERROR);
    expect(() => readCsv(0 as unknown as string, { delimiter: '' })).toThrow(PATH_ERROR);
    await expect(readCsvAsync(0 as unknown as string, { delimiter: '' })).rejects.toThrow(PATH_ERROR);
    // and a good path with a bad tensor writes nothing
    const p = join(tmp, 'never.npy');
    expect(() => save(p, [1, 2] as unknown as Tensor)).toThrow(/Expected a Tensor/);
    await expect(saveAsync(p, [1, 2] as unknown as Tensor)).rejects.toThrow(/Expected a Tensor/);
    expect(existsSync(p)).toBe(false);
  });

  it('still passes file-system errors through for a well-formed path', async () => {
    const missing = join(tmp, 'missing.npy');
    expect(() => load(missing)).toThrow(/ENOENT/);
    await expect(loadAsync(pathToFileURL(missing))).rejects.toThrow(/ENOENT/);
    expect(() => readCsv(Buffer.from(missing))).toThrow(/ENOENT/);
    expect(() => save(join(tmp, 'no-such-dir', 'a.npy'), t)).toThrow(/ENOENT/);
  });
});
