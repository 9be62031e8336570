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
});
