#!/usr/bin/env node
// socklab's command line. npm install (prepare) and npm run build compile the
// TypeScript sources to dist/ and bundle the command line into dist/bundle/
// (scripts/bundle.js), so that a command loads a few files instead of a
// hundred modules. `socklab run` starts the kernel's worker thread first
// (run.js holds only that: host/runner/spawn.ts), so that it gets going while
// this thread loads the parser and run() and checks the options.
if (process.argv[2] === 'run') (await import('../dist/bundle/run.js')).prestartWorker();
const { main } = await import('../dist/bundle/cli.js');
process.exitCode = await main(process.argv.slice(2));
