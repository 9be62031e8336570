#!/usr/bin/env node
'use strict';
// socklab's command line. npm install (prepare) and npm run build compile the
// TypeScript sources to dist/ and bundle the command line into dist/bundle/
// (scripts/bundle.js). This file is CommonJS (bin/package.json), like the
// bundles it loads, so that a command never sets up Node's ES module loader.
// `socklab run` starts the kernel's worker thread first (spawn.cjs holds only
// that: host/runner/spawn.ts), so that it gets going while this thread loads
// the command line (main.cjs: cli.cjs with V8's code cache) and checks the
// options.
if (process.argv[2] === 'run') require('../dist/bundle/spawn.cjs').prestartWorker();
const { exports: cli, save } = require('../dist/bundle/main.cjs');
cli.main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
  // The code cache, when there was none, once the command compiled what it uses.
  save?.();
  if (nothingPending()) process.exit(status);
});

// Handles that never hold work of the command's own: the standard streams (their writes are checked
// below) and the ports of a kernel worker whose run is over (run() has already terminated it).
const IDLE = new Set(['PipeWrap', 'TTYWrap', 'MessagePort']);
/**
 * Whether the command is over in every way that can be seen: only idle handles left, and nothing
 * queued on stdout or stderr. Then the process ends at once rather than when its event loop runs
 * dry: that skips the wait for the kernel's worker to dispose of its heap before its port closes,
 * and this thread's own heap teardown (~2 ms of CPU of a `socklab run`; process.exit still joins the worker
 * all the same). Anything else (a file still being written, a timer, a socket) means the usual end.
 */
function nothingPending() {
  if (!process.getActiveResourcesInfo().every((r) => IDLE.has(r))) return false;
  return process.stdout.writableLength === 0 && process.stderr.writableLength === 0;
}
