// Run once around the whole suite: forgets the previous run's list of tests
// that lacked a tool, and at the end prints this run's (tests/tools.ts).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { MISSING_LOG } from './tools.js';
import { installCommand } from '../scripts/test-tools.js';

export function setup(): void {
  rmSync(MISSING_LOG, { force: true });
}

export function teardown(): void {
  if (!existsSync(MISSING_LOG)) return;
  const rows = readFileSync(MISSING_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { test: string; tool: string; pkg: string });
  if (!rows.length) return;
  const pkgs = [...new Set(rows.map((r) => r.pkg))].sort();
  process.stderr.write(
    `\n${rows.length} test(s) could not run: a tool they need is not installed (they failed):\n` +
      rows.map((r) => `  ${r.test}  (needs ${r.tool})`).join('\n') +
      `\nInstall the tools, then run npm test again:\n  ${installCommand(pkgs)}\n`,
  );
}
