// V8's code cache of the bundled command line and kernel (scripts/load-cached.cjs):
// the first `socklab run` after a build writes one file per bundle in the
// cache folder's v8/, later runs use it unchanged, a cache V8 refuses is only
// a slower start (and is rewritten), and writing one prunes that bundle's
// older caches down to the newest few.
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, runCli, tempDir } from './helpers.js';
import { nonZeroPages } from '../dist/host/kernel/process.js';
import { loadModuleFile } from '../dist/host/loader/module.js';
import { ASYNC_IMPORTS, KNOWN_IMPORTS } from '../dist/host/syscalls.js';
import { resetNativeWasmOpt } from '../dist/host/loader/wasmopt.js';
import { wasmOptPath } from './loader-tools.js';

const HELLO = guest('examples_hello');

async function hello(cache: string): Promise<void> {
  const r = await runCli(['run', HELLO], { env: { SOCKLAB_CACHE: cache } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/hello/i);
}

const caches = (cache: string, name: string): string[] => readdirSync(join(cache, 'v8')).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.bin')).sort();

describe('code cache', () => {
  it('is written by the first run, one per bundle, and used as it is by the next', async () => {
    const cache = tempDir('socklab-v8-');
    await hello(cache);
    const [cli] = caches(cache, 'cli');
    const [kernel] = caches(cache, 'kernel');
    expect(caches(cache, 'cli')).toHaveLength(1);
    expect(caches(cache, 'kernel')).toHaveLength(1);
    const stamp = (f: string): number => statSync(join(cache, 'v8', f)).mtimeMs;
    const before = [stamp(cli!), stamp(kernel!)];
    await hello(cache);
    expect([stamp(cli!), stamp(kernel!)]).toEqual(before);
    // Nothing but the two caches: no temporary file left behind.
    expect(readdirSync(join(cache, 'v8')).sort()).toEqual([cli, kernel].sort());
  });

  it('that V8 refuses only costs a compile, and is rewritten', async () => {
    const cache = tempDir('socklab-v8-');
    await hello(cache);
    const files = [...caches(cache, 'cli'), ...caches(cache, 'kernel')];
    for (const f of files) writeFileSync(join(cache, 'v8', f), 'not a code cache');
    await hello(cache);
    for (const f of files) expect(statSync(join(cache, 'v8', f)).size).toBeGreaterThan(1000);
  });

  it('keeps the newest 4 caches of a bundle when it writes one', async () => {
    const cache = tempDir('socklab-v8-');
    const v8 = join(cache, 'v8');
    mkdirSync(v8);
    // Caches of six older builds, the oldest first, and files that are not a bundle's cache.
    const old = [0, 1, 2, 3, 4, 5].map((i) => `kernel-old${i}-0-x64-0.bin`);
    old.forEach((f, i) => {
      writeFileSync(join(v8, f), 'old');
      utimesSync(join(v8, f), 1e9 + i * 1000, 1e9 + i * 1000);
    });
    const others = ['cli-old-0-x64-0.bin', 'kernel-old9-0-x64-0.bin.123.4', 'notes.txt'];
    for (const f of others) writeFileSync(join(v8, f), 'other');
    await hello(cache);
    const kernels = caches(cache, 'kernel');
    expect(kernels).toHaveLength(4);
    // The new one and the three newest old ones.
    expect(kernels.filter((f) => old.includes(f))).toEqual(old.slice(3));
    // Two cli caches (the old one, the new one): under the limit, both kept; the others untouched.
    expect(caches(cache, 'cli')).toHaveLength(2);
    for (const f of others) expect(readdirSync(v8)).toContain(f);
  });
});

describe('memory summary at exit', () => {
  it('counts the 4 KiB pages holding data, whole 64 KiB blocks skipped', () => {
    const naive = (b: Uint8Array): number => {
      let n = 0;
      for (let at = 0; at < b.length; at += 4096) if (b.subarray(at, at + 4096).some((x) => x !== 0)) n++;
      return n * 4096;
    };
    const m = new WebAssembly.Memory({ initial: 5 });
    const u = new Uint8Array(m.buffer);
    expect(nonZeroPages(m.buffer)).toBe(0);
    // A page's first and last byte, two pages of one block, a block's last page, the memory's last byte.
    for (const at of [0, 4096 * 3 - 1, 65536 + 5, 65536 + 4096 * 7 + 100, 3 * 65536 - 1, 5 * 65536 - 1]) u[at] = 1;
    expect(nonZeroPages(m.buffer)).toBe(6 * 4096);
    expect(nonZeroPages(m.buffer)).toBe(naive(u));
    // A length that is not a whole number of blocks or pages (a component's memory is a wasm memory too, but the function takes any buffer).
    const odd = new Uint8Array(65536 + 5000);
    odd[65536 + 4999] = 7;
    odd[100] = 1;
    expect(nonZeroPages(odd.buffer)).toBe(2 * 4096);
    expect(nonZeroPages(odd.buffer)).toBe(naive(odd));
  });
});

// The module cache's index: a module file is found by its identity (device, inode, size, mtime and ctime in ns),
// without hashing its bytes, and a file rewritten in place is hashed again.
describe('module cache index', () => {
  const index = (cache: string): string[] => readdirSync(join(cache, 'index')).sort();

  it('runs the new code of a module rewritten in place with the same size and mtime: only ctime differs', async () => {
    const cache = tempDir('socklab-index-');
    const file = join(tempDir('socklab-mod-'), 'hello.wasm');
    const a = readFileSync(HELLO);
    const at = a.indexOf('hello from');
    expect(at).toBeGreaterThan(0);
    const b = Buffer.from(a);
    b.write('jello', at, 'latin1');
    writeFileSync(file, a);
    // A whole second, which utimes sets exactly (it takes seconds as a double: not every ns value survives).
    const T = 1_700_000_000;
    utimesSync(file, T, T);
    const before = statSync(file, { bigint: true });
    const cli = (): ReturnType<typeof runCli> => runCli(['run', file], { env: { SOCKLAB_CACHE: cache } });
    for (let i = 0; i < 2; i++) {
      const r = await cli();
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^hello from hello\.wasm/);
    }
    // Indexed by the second run at the latest (a file changed a moment before its run waits one run).
    const [entry] = index(cache);
    expect(index(cache)).toHaveLength(1);
    const stamp = readFileSync(join(cache, 'index', entry!), 'latin1').split('\n')[0];
    expect(stamp).toBe(`${before.size} ${before.mtimeNs} ${before.ctimeNs}`);

    // In place (same inode, same size), and the old mtime restored as `cp -p` or `touch -r` would: only ctime tells.
    writeFileSync(file, b);
    utimesSync(file, T, T);
    const after = statSync(file, { bigint: true });
    expect([after.dev, after.ino, after.size, after.mtimeNs]).toEqual([before.dev, before.ino, before.size, before.mtimeNs]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    const r = await cli();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^jello from hello\.wasm/);
    // The file's entry was replaced (same device and inode), not added to.
    expect(index(cache)).toEqual([entry]);
    expect(readFileSync(join(cache, 'index', entry!), 'latin1').split('\n')[0]).toBe(`${after.size} ${after.mtimeNs} ${after.ctimeNs}`);
    // Two modules in the cache folder: one per content.
    expect(readdirSync(cache).filter((f) => f.endsWith('.wasm'))).toHaveLength(2);
  });

  it('finds an unchanged file by its identity, with the hash its miss recorded', async () => {
    const cache = tempDir('socklab-index-');
    const saved = process.env.SOCKLAB_CACHE;
    process.env.SOCKLAB_CACHE = cache;
    try {
      // The test guest was built before the tests started: not a file changed a moment ago.
      const first = await loadModuleFile(HELLO, 'hello.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS);
      expect(first.byIdentity).toBeFalsy();
      const again = await loadModuleFile(HELLO, 'hello.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS);
      expect(again.byIdentity).toBe(true);
      expect(again.cached).toBe(true);
      expect(again.hash).toBe(first.hash);
      expect(again.memory).toEqual(first.memory);
      // Counting fuel is another transformation: another entry, found by a miss first.
      const fuel = await loadModuleFile(HELLO, 'hello.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true });
      expect(fuel.byIdentity).toBeFalsy();
      expect(fuel.fuel).toBe(true);
      expect((await loadModuleFile(HELLO, 'hello.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true })).byIdentity).toBe(true);
      expect(index(cache)).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env.SOCKLAB_CACHE;
      else process.env.SOCKLAB_CACHE = saved;
    }
  });

  it('prepares the module again when the wasm-opt its entry names has changed', async () => {
    const saved = { cache: process.env.SOCKLAB_CACHE, tool: process.env.SOCKLAB_WASM_OPT };
    const real = wasmOptPath();
    const cache = tempDir('socklab-index-');
    const tool = join(tempDir('socklab-tool-'), 'wasm-opt');
    writeFileSync(tool, `#!/bin/sh\nexec '${real}' "$@"\n`);
    chmodSync(tool, 0o755);
    process.env.SOCKLAB_CACHE = cache;
    process.env.SOCKLAB_WASM_OPT = tool;
    resetNativeWasmOpt();
    const load = (): ReturnType<typeof loadModuleFile> => loadModuleFile(HELLO, 'hello.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS);
    try {
      const first = await load();
      expect(first.byIdentity).toBeFalsy();
      expect((await load()).byIdentity).toBe(true);
      // Another binary at the same path (an upgrade): another cache key, so the module is prepared again.
      utimesSync(tool, 1_600_000_000, 1_600_000_000);
      resetNativeWasmOpt();
      const upgraded = await load();
      expect(upgraded.byIdentity).toBeFalsy();
      expect(upgraded.cached).toBe(false);
      expect((await load()).byIdentity).toBe(true);
      expect(readdirSync(cache).filter((f) => f.endsWith('.wasm'))).toHaveLength(2);
    } finally {
      for (const [k, v] of [['SOCKLAB_CACHE', saved.cache], ['SOCKLAB_WASM_OPT', saved.tool]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetNativeWasmOpt();
    }
  });
});
