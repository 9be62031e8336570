'use strict';
// The kernel's worker thread, as bundled: scripts/bundle.js copies this file
// to dist/bundle/worker.cjs, next to the kernel's bundle, kernel.cjs, with
// __KERNEL_HASH__ replaced by a hash of kernel.cjs. It runs kernel.cjs as
// Node's CommonJS loader would, but hands V8 the code it compiled for that
// bundle in an earlier process (Node 20 has no module.enableCompileCache):
// compiling the ~450 KB bundle and the functions a run calls is a large part
// of a worker's start (~15 ms of CPU on the path of every `socklab run`).
//
// The cache is one file in socklab's cache folder (loader/cache.ts:
// $SOCKLAB_CACHE, else $XDG_CACHE_HOME/socklab or ~/.cache/socklab), named by
// the bundle's hash, V8's version, the architecture and Node's options, so a
// rebuilt bundle or another Node never meets a stale one; V8 checks it again (source length,
// flags, checksum) and compiles from the source when it refuses it. A worker
// that found no usable cache writes one when its first run is over, before it
// reports that run 'done' (a run() terminates the worker right after), so
// that it holds the functions a run compiled too. Written to a temporary file
// and renamed: concurrent workers never see half a file. A folder that cannot
// be written only means no cache.
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { homedir } = require('node:os');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');
const { threadId } = require('node:worker_threads');

const file = join(__dirname, 'kernel.cjs');
const dir = process.env.SOCKLAB_CACHE ? resolve(process.env.SOCKLAB_CACHE) : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'socklab');
// V8 refuses a cache made under other flags: one file per set of flags (FNV-1a of Node's options), not one
// that processes started with different flags would keep rewriting.
let flags = 0x811c9dc5;
for (const c of `${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`) flags = Math.imul(flags ^ c.charCodeAt(0), 0x01000193) >>> 0;
const cacheFile = join(dir, 'v8', `kernel-__KERNEL_HASH__-${process.versions.v8}-${process.arch}-${flags.toString(16)}.bin`);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The wrapper of Node's CommonJS loader, plus the import() kernel.cjs calls for what it loads lazily
// (binaryen, jco, a component's glue): scripts/bundle.js rewrote its import()s, because one compiled
// by vm needs --experimental-vm-modules (or an experimental constant that prints a warning) in
// Node 20. This file sits beside kernel.cjs, so every specifier resolves the same from here.
const script = new Script(`(function (exports, require, module, __filename, __dirname, __socklabImport) {${readFileSync(file, 'utf8')}\n})`, {
  filename: file,
  ...(cachedData ? { cachedData } : {}),
});
const kernel = { exports: {}, filename: file, id: file, loaded: false };
const importPackage = (specifier) => import(specifier);
script.runInThisContext().call(kernel.exports, kernel.exports, createRequire(file), kernel, file, __dirname, importPackage);
kernel.loaded = true;
if (!cachedData || script.cachedDataRejected) {
  kernel.exports.beforeFirstDone(() => {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.${threadId}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // No cache this time: the next worker compiles from the source again.
    }
  });
}
