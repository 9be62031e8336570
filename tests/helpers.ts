// Shared by the test suites: run the guests that scripts/setup-tests.js built
// into wasm/tests/ through socklab's public API (the compiled dist/ build, so
// the tests exercise what users run).
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { run, type RunOptions, type RunOutcome } from '../dist/host/api.js';

export const ROOT = join(import.meta.dirname, '..');

/** Path of a built test guest, e.g. guest('kernel_args') for tests/c/kernel_args.c. */
export function guest(name: string): string {
  const p = join(ROOT, 'wasm', 'tests', `${name}.wasm`);
  if (!existsSync(p)) throw new Error(`${p} is missing: run "node scripts/setup-tests.js" (npm test does)`);
  return p;
}

/** Runs one built test guest with args and options; output captured. */
export function runGuest(name: string, args: string[] = [], opts: Partial<RunOptions> & { stdin?: string; env?: string[] } = {}): Promise<RunOutcome> {
  const { stdin, env, ...rest } = opts;
  return run({ processes: [{ module: guest(name), name: `${name}.wasm`, args, env, stdin }], timeoutMs: 60_000, ...rest });
}

export { run };
