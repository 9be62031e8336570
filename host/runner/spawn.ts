// Starting a kernel worker (runner/worker.ts). Apart from run.ts so that the
// command line can start the worker before it loads anything else:
// scripts/bundle.js makes this file the entry dist/bundle/spawn.cjs, which
// requires nothing but node:worker_threads and node:url (and which the
// bundled command line, cli.cjs, requires rather than holding a copy), and
// bin/socklab.js calls prestartWorker() first thing for `socklab run`.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';

/**
 * The kernel's worker as scripts/bundle.js names it beside the bundled
 * command line ("./worker.cjs": one CommonJS file, which a thread starts
 * without initialising the ES module loader); undefined outside the bundle.
 */
declare const SOCKLAB_BUNDLED_WORKER: string | undefined;

/** The file a kernel worker runs (run() in run.ts, RunnerPool in pool.ts). */
export function workerUrl(): URL {
  const here = import.meta.url;
  if (typeof SOCKLAB_BUNDLED_WORKER === 'string') return new URL(SOCKLAB_BUNDLED_WORKER, here);
  // Under a TypeScript loader (vitest) this file is host/runner/spawn.ts; the worker must be compiled JS.
  const plain = here.endsWith('.ts') ? new URL(here.replace(/\/host\/runner\/spawn\.ts$/, '/dist/host/runner/worker.js')) : new URL('./worker.js', here);
  return bundledBeside(plain) ?? plain;
}

/**
 * The library API (dist/host/) runs its kernel in the bundled worker when the build made one: one
 * code-cached file instead of compiling ~90 ES modules in every new thread (~50 ms of CPU a run).
 * Threads share no classes, only messages, so an unbundled caller and a bundled kernel mix safely.
 * A bundle older than the compiled worker (tsc run without scripts/bundle.js) is stale: not used.
 */
let bundled: URL | null | undefined;
function bundledBeside(plain: URL): URL | undefined {
  if (bundled === undefined) {
    const b = new URL('../../bundle/worker.cjs', plain);
    try {
      const kernel = statSync(fileURLToPath(new URL('../../bundle/kernel.cjs', plain)));
      bundled = kernel.mtimeMs >= statSync(fileURLToPath(plain)).mtimeMs && statSync(fileURLToPath(b)).isFile() ? b : null;
    } catch {
      bundled = null;
    }
  }
  return bundled ?? undefined;
}

/** A kernel worker: an 8 MiB stack, so a guest may recurse as deep as in the pool's workers. */
export function newWorker(): Worker {
  return new Worker(fileURLToPath(workerUrl()), { stdout: false, stderr: false, resourceLimits: { stackSizeMb: 8 } });
}

/** A worker started ahead of its run by prestartWorker(); `dead` once it failed or exited before a run took it. */
let early: { worker: Worker; dead: boolean } | undefined;

/**
 * Starts the next run's worker thread now, so that its start (a Node
 * context, then the kernel's modules) overlaps the caller's own work: the
 * command line starts it before it loads its parser and checks the options.
 * It keeps nothing alive until a run takes it (unref'd), and a worker that
 * failed or exited before that is dropped and the run starts a fresh one,
 * so the run reports any failure as it always did.
 */
export function prestartWorker(): void {
  if (early) return;
  const e = { worker: newWorker(), dead: false };
  e.worker.unref();
  e.worker.once('error', () => (e.dead = true));
  e.worker.once('exit', () => (e.dead = true));
  early = e;
}

/** The worker prestartWorker() started, if it is still alive, else a new one. */
export function takeWorker(): Worker {
  const e = early;
  early = undefined;
  if (e && !e.dead) {
    e.worker.ref();
    return e.worker;
  }
  if (e) void e.worker.terminate();
  return newWorker();
}
