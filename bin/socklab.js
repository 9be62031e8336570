#!/usr/bin/env node
// socklab's command line; the TypeScript sources compile to dist/ on npm install.
import { main } from '../dist/host/cli/main.js';
process.exitCode = await main(process.argv.slice(2));
