// Tests that drive a Debian tool (gcc, tshark, curl, nc) call needs(TOOL)
// first. Without it the test fails, naming the tool, and is listed at the
// end of the run with the command that installs what is missing
// (tests/global-setup.ts): nothing passes by being skipped.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEBIAN_TOOLS, haveTool, installCommand } from '../scripts/test-tools.js';

/** Where failing tests record the tool they lacked, for the end-of-run list (SOCKLAB_MISSING_TOOLS_LOG: elsewhere, for a nested run). */
export const MISSING_LOG = process.env.SOCKLAB_MISSING_TOOLS_LOG ?? join(import.meta.dirname, '..', 'wasm', 'tests', 'missing-tools.log');

const known = new Map<string, boolean>();

/** Fails the running test, with what to install, unless `cmd` is installed. */
export function needs(cmd: string): void {
  if (!known.has(cmd)) known.set(cmd, haveTool(cmd));
  if (known.get(cmd)) return;
  const pkg = DEBIAN_TOOLS.find(([c]) => c === cmd)?.[1] ?? cmd;
  const st = expect.getState();
  const where = `${(st.testPath ?? '').replace(/^.*\/tests\//, 'tests/')} > ${st.currentTestName ?? '?'}`;
  mkdirSync(join(MISSING_LOG, '..'), { recursive: true });
  appendFileSync(MISSING_LOG, `${JSON.stringify({ test: where, tool: cmd, pkg })}\n`);
  throw new Error(`this test needs ${cmd} (Debian package ${pkg}), which is not installed: ${installCommand([pkg])}`);
}
