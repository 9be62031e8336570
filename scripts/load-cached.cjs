'use strict';
// Runs one of the CommonJS bundles of dist/bundle/ (scripts/bundle.js copies
// this file there as load-cached.cjs) as Node's CommonJS loader would, but
// hands V8 the code it compiled for that bundle in an earlier process (Node
// 20 has no module.enableCompileCache): compiling a ~500 KB bundle and the
// functions a command calls is a large part of a start. Two bundles load this
// way: kernel.cjs, the kernel's thread (worker.cjs), and cli.cjs, the command
// line (bin/socklab.js through main.cjs).
//
// The cache is one file per bundle in socklab's cache folder (loader/cache.ts:
// $SOCKLAB_CACHE, else $XDG_CACHE_HOME/socklab or ~/.cache/socklab), v8/,
// named by the bundle, its hash, V8's version, the architecture and Node's
// options, so a rebuilt bundle or another Node never meets a stale one; V8
// checks it again (source length, flags, checksum) and compiles from the
// source when it refuses it. The caller calls save(), when there is one, once
// its work is done (a worker before it reports its first run 'done'), so that
// the cache holds the functions that work compiled too. Written to a
// temporary file and renamed: concurrent processes never see half a file.
// Writing one removes that bundle's older caches but the newest few (other
// builds, other Nodes): a folder of rebuilds does not grow without end. A
// folder that cannot be written only means no cache.
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');
const { threadId } = require('node:worker_threads');

/** How many caches of one bundle a folder keeps (the newest): a few builds or Nodes in use side by side. */
const KEEP = 4;

function cacheFolder() {
  if (process.env.SOCKLAB_CACHE) return join(resolve(process.env.SOCKLAB_CACHE), 'v8');
  // node:os only when needed: one built-in fewer on the way of a start.
  return join(process.env.XDG_CACHE_HOME ?? join(require('node:os').homedir(), '.cache'), 'socklab', 'v8');
}

/** Removes `name`'s cache files in `dir` but the KEEP newest (`keep` among them); temporary files of a writer are left alone. */
function pruneCaches(dir, name, keep) {
  const files = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${name}-`) || !f.endsWith('.bin')) continue;
    try {
      files.push({ f, t: f === keep ? Infinity : statSync(join(dir, f)).mtimeMs });
    } catch {
      // Removed meanwhile by another process.
    }
  }
  files.sort((a, b) => b.t - a.t);
  for (const { f } of files.slice(KEEP)) {
    try {
      unlinkSync(join(dir, f));
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * Runs dist/bundle/`name`.cjs, whose content hashes to `hash`, and returns
 * its exports and, when no usable cache was found, save() to store one.
 */
module.exports = function loadCached(name, hash) {
  const file = join(__dirname, `${name}.cjs`);
  const dir = cacheFolder();
  // V8 refuses a cache made under other flags: one file per set of flags (FNV-1a of Node's options),
  // not one that processes started with different flags would keep rewriting.
  let flags = 0x811c9dc5;
  for (const c of `${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`) flags = Math.imul(flags ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const base = `${name}-${hash}-${process.versions.v8}-${process.arch}-${flags.toString(16)}.bin`;
  const cacheFile = join(dir, base);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The wrapper of Node's CommonJS loader, plus the import() the bundle calls for what it loads
  // lazily (packages: binaryen, jco, typescript; a component's glue): scripts/bundle.js rewrote its
  // import()s, because one compiled by vm needs --experimental-vm-modules (or an experimental
  // constant that prints a warning) in Node 20. This file sits beside the bundles, so every
  // specifier resolves the same from here.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __socklabImport) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  const importPackage = (specifier) => import(specifier);
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, __dirname, importPackage);
  mod.loaded = true;
  const save =
    !cachedData || script.cachedDataRejected
      ? () => {
          try {
            mkdirSync(dir, { recursive: true });
            const tmp = `${cacheFile}.${process.pid}.${threadId}`;
            writeFileSync(tmp, script.createCachedData());
            renameSync(tmp, cacheFile);
            pruneCaches(dir, name, base);
          } catch {
            // No cache this time: the next start compiles from the source again.
          }
        }
      : undefined;
  return { exports: mod.exports, save };
};
