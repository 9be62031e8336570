#!/usr/bin/env node
// npm's `prepare`: compile the TypeScript sources to dist/ and bundle the
// command line (scripts/bundle.js) when the compiler is installed (a clone
// after `npm install`; esbuild is a dev dependency beside it). Without it
// (`npm ci --omit=dev`, or the package installed from its tarball, which
// ships dist/) there is nothing to do, and no failure.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsc;
try {
  tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  if (!existsSync(join(root, 'dist', 'bundle', 'cli.cjs'))) {
    console.error('socklab: typescript is not installed and dist/ is missing: run npm install (with dev dependencies), then npm run build');
  }
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const b = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.js')], { stdio: 'inherit' });
process.exit(b.status ?? 1);
