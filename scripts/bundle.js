#!/usr/bin/env node
// Bundles the command line and the threads it starts into dist/bundle/, after
// tsc has compiled dist/host/ (npm run build, prepare). Start-up is the
// reason: Node 20 has no compile cache, so every module of an ESM graph costs
// a resolve, a read and a compile, and `socklab run` used to load ~90 of them
// across its two threads; bundled, it loads 7 files.
//
// The entries are the programs Node starts: bin/socklab.js's run.js (only
// runner/spawn.ts, which starts the kernel's worker) and cli.js, and the files given to `new Worker` (worker.cjs, batch-worker.js),
// found next to the code that starts them (new URL(..., import.meta.url)),
// so they share one directory. One process never mixes bundled and
// unbundled host modules: each thread's bundle holds every host module it
// can reach, so an error class is one class (instanceof decides exit
// statuses). The library API (dist/host/api.js) stays unbundled. npm
// packages other than commander stay external (the dependencies, and
// typescript that grading's checks use when it is installed), resolved from
// node_modules as before.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  plugins: [packagesOutside],
  // runner/run.ts starts the kernel's worker from this file, not from dist/host/runner/worker.js.
  define: { SOCKLAB_BUNDLED_WORKER: JSON.stringify('./worker.cjs') },
  logLevel: 'warning',
  // Fewer bytes to read and parse at every start (~5 ms of CPU of a run); names are kept, for stack traces.
  minifyWhitespace: true,
};
// The command line (run.js alone first: bin/socklab.js starts the kernel's worker from it before it
// loads the parser and run(), cli.js) and a grading lane (grade/batch.ts), each with chunks for what it imports lazily.
// One build per thread, so that each thread's start loads its own file and the chunks of what it
// uses, not chunks shaped by what another thread shares. Chunks are named by content, so two
// builds that make the same one agree.
const esm = [
  { run: join(dist, 'runner', 'spawn.js'), cli: join(dist, 'cli', 'main.js') },
  { 'batch-worker': join(dist, 'grade', 'batch-worker.js') },
];
for (const entryPoints of esm) {
  await build({
    ...common,
    entryPoints,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunk-[hash]',
    // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
    banner: { js: "import { createRequire as __socklabRequire } from 'node:module';\nconst require = __socklabRequire(import.meta.url);" },
  });
}
// The kernel's thread (runner/run.ts, runner/pool.ts): one CommonJS file, because a thread that
// starts one does not set up the ES module loader (~6 ms of CPU of a run). What it loads lazily
// (the tracer, the fault injector, --publish) waits inside it, uncompiled until used; packages
// (binaryen, jco) are still import()ed.
// Started through worker.cjs (scripts/worker-boot.cjs), which runs kernel.cjs with V8's code cache.
await build({ ...common, plugins: [lazyBuiltins, packagesOutside], entryPoints: { kernel: join(dist, 'runner', 'worker.js') }, format: 'cjs', outExtension: { '.js': '.cjs' } });
// Its import() expressions (packages: binaryen, jco; a component's glue by file URL) call the
// loader's import() instead (see worker-boot.cjs), which sits in the same folder, so every specifier
// resolves as before. esbuild leaves import() only where the source has one; no string of the
// kernel's holds "import(".
const kernelFile = join(outdir, 'kernel.cjs');
const kernelSource = readFileSync(kernelFile, 'utf8').replace(/(?<![.\w$])import\(/g, '__socklabImport(');
writeFileSync(kernelFile, kernelSource);
const kernelHash = createHash('sha256').update(kernelSource).digest('hex').slice(0, 16);
writeFileSync(join(outdir, 'worker.cjs'), readFileSync(join(root, 'scripts', 'worker-boot.cjs'), 'utf8').replaceAll('__KERNEL_HASH__', kernelHash));
