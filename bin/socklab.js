#!/usr/bin/env node
// socklab's command line; the TypeScript sources compile to dist/ on npm install.
// `socklab run` starts the kernel's worker thread first, so that it gets going
// while this thread loads the command-line parser and checks the options.
if (process.argv[2] === 'run') (await import('../dist/host/runner/run.js')).prestartWorker();
const { main } = await import('../dist/host/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
