#!/usr/bin/env node
// Bundles the command line and the threads it starts into dist/bundle/, after
// tsc has compiled dist/host/ (npm run build, prepare). Start-up is the
// reason: Node 20 has no compile cache, so every module of an ESM graph costs
// a resolve, a read and a compile, and `socklab run` used to load ~90 of them
// across its two threads; bundled, each thread loads one file of its own (the
// command line: spawn.cjs, main.cjs, cli.cjs; the kernel: worker.cjs,
// kernel.cjs), which V8 compiles from its code cache (load-cached.cjs).
//
// The entries are the programs Node starts: bin/socklab.js's spawn.cjs (only
// runner/spawn.ts, which starts the kernel's worker) and cli.cjs, and the files given to `new Worker` (worker.cjs, batch-worker.js),
// found next to the code that starts them (new URL(..., import.meta.url)),
// so they share one directory. One process never mixes bundled and
// unbundled host modules: each thread's bundle holds every host module it
// can reach, so an error class is one class (instanceof decides exit
// statuses). The library API (dist/host/api.js) stays unbundled (its runs use
// the bundled worker.cjs when present: runner/spawn.ts). npm
// packages other than commander stay external (the dependencies, and
// typescript that grading's checks use when it is installed), resolved from
// node_modules as before.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'host');
const outdir = join(root, 'dist', 'bundle');
// commander is on every command's path and small: inside the bundle. Other packages load on demand.
const INSIDE = new Set(['commander']);
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:')) return undefined;
      const name = a.path.split('/').slice(0, a.path.startsWith('@') ? 2 : 1).join('/');
      return INSIDE.has(name) ? undefined : { path: a.path, external: true };
    });
  },
};

// Node's built-in modules that a thread may not need, loaded when first used rather than when the
// bundle starts: a built-in's first require() compiles and runs its JavaScript and its own
// dependencies (node:crypto, node:net, node:child_process, node:dns ~5 ms of CPU of the kernel's
// thread, against ~1 ms for all of the kernel's own top level), and a `socklab run hello.wasm`
// touches none of them but node:crypto (the module cache's hash). An import of one of these
// becomes a stand-in whose properties load the module on first access; esbuild reads an
// imported name at each use (`(0, import_node_dns.lookup)(...)`), so a named import costs
// nothing until it is called. A namespace import (`import * as net`) copies the names at start-up:
// the stand-in lists them (taken from this Node when the bundle is built) without loading the
// module. Node's own modules only: they have no side effects that their loading order would show.
const LAZY_BUILTINS = ['node:child_process', 'node:crypto', 'node:dgram', 'node:dns', 'node:net', 'node:os'];
const require = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (LAZY_BUILTINS.includes(a.path) && a.namespace !== 'lazy-builtin' ? { path: a.path, namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({
      loader: 'js',
      contents: `let m;
const load = () => (m ??= require(${JSON.stringify(a.path)}));
const names = ${JSON.stringify(Object.getOwnPropertyNames(require(a.path)).filter((n) => n !== 'default'))};
module.exports = new Proxy({}, {
  get: (_, k) => load()[k],
  has: (_, k) => k in load(),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, k) => (names.includes(k) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined),
});
`,
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const common = {
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  plugins: [lazyBuiltins, packagesOutside],
  // runner/run.ts starts the kernel's worker from this file, not from dist/host/runner/worker.js.
  define: { SOCKLAB_BUNDLED_WORKER: JSON.stringify('./worker.cjs') },
  logLevel: 'warning',
  // Fewer bytes to read and parse at every start (~5 ms of CPU of a run); names are kept, for stack traces.
  minifyWhitespace: true,
};
// A grading lane (grade/batch.ts), an ES module with chunks for what it imports lazily.
await build({
  ...common,
  entryPoints: { 'batch-worker': join(dist, 'grade', 'batch-worker.js') },
  splitting: true,
  format: 'esm',
  chunkNames: 'chunk-[hash]',
  // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
  banner: { js: "import { createRequire as __socklabRequire } from 'node:module';\nconst require = __socklabRequire(import.meta.url);" },
});

// The command line's thread and the kernel's: CommonJS files, because a process or thread that
// starts one does not set up the ES module loader, nor read and link a module per chunk (~14 ms of
// CPU of a `socklab run`), and V8 caches the code it compiled for them (scripts/load-cached.cjs).
// What they load lazily (another command, the toolchains, the tracer, the fault injector,
// --publish) waits inside them, parsed but uncompiled until used; packages are still import()ed
// or required.
const cjs = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' } };
// import.meta as an ES module sees it (the file's URL, resolve()), as the command line's modules use
// it: from the bundle's folder, where the ES module bundle was.
const importMeta = {
  define: { ...common.define, 'import.meta.url': '__socklabUrl', 'import.meta.resolve': '__socklabResolve' },
  banner: { js: "const __socklabUrl=require('node:url').pathToFileURL(__filename).href,__socklabResolve=(s)=>require('node:url').pathToFileURL(require.resolve(s)).href;" },
};
// spawn.cjs: starting the kernel's worker (runner/spawn.ts), alone, so that bin/socklab.js starts it
// before it loads the command line; cli.cjs requires this same file rather than its own copy, so
// that run() takes the worker bin/socklab.js started.
await build({ ...cjs, ...importMeta, entryPoints: { spawn: join(dist, 'runner', 'spawn.js') } });
const spawnOutside = {
  name: 'spawn-outside',
  setup(b) {
    b.onResolve({ filter: /\/spawn\.js$/ }, (a) => (join(a.resolveDir, a.path) === join(dist, 'runner', 'spawn.js') ? { path: './spawn.cjs', external: true } : undefined));
  },
};
await build({ ...cjs, ...importMeta, plugins: [spawnOutside, ...common.plugins], entryPoints: { cli: join(dist, 'cli', 'main.js') } });
await build({ ...cjs, ...importMeta, entryPoints: { kernel: join(dist, 'runner', 'worker.js') } });
// Their import() expressions (packages: binaryen, jco, typescript, clang; a component's glue by file
// URL) call the loader's import() instead (see load-cached.cjs), which sits in the same folder, so
// every specifier resolves as before. esbuild leaves import() only where the source has one; no
// string of theirs holds "import(".
const hashes = {};
for (const name of ['cli', 'kernel']) {
  const file = join(outdir, `${name}.cjs`);
  const source = readFileSync(file, 'utf8').replace(/(?<![.\w$])import\(/g, '__socklabImport(');
  writeFileSync(file, source);
  hashes[name] = createHash('sha256').update(source).digest('hex').slice(0, 16);
}
copyFileSync(join(root, 'scripts', 'load-cached.cjs'), join(outdir, 'load-cached.cjs'));
// The kernel's worker (runner/spawn.ts starts ./worker.cjs); the worker writes the cache when its
// first run is over, before it reports that run 'done' (a run() terminates the worker right after),
// so that it holds the functions a run compiled too.
writeFileSync(
  join(outdir, 'worker.cjs'),
  `'use strict';\n// The kernel's thread: kernel.cjs with V8's code cache (scripts/load-cached.cjs, scripts/bundle.js).\nconst { exports: kernel, save } = require('./load-cached.cjs')('kernel', '${hashes.kernel}');\nif (save) kernel.beforeFirstDone(save);\n`,
);
// The command line, for bin/socklab.js: cli.cjs with V8's code cache, and save() for when the command is over.
writeFileSync(join(outdir, 'main.cjs'), `'use strict';\n// The command line: cli.cjs with V8's code cache (scripts/load-cached.cjs, scripts/bundle.js).\nmodule.exports = require('./load-cached.cjs')('cli', '${hashes.cli}');\n`);
