// Which kernel worker the library API starts (host/runner/spawn.ts): the
// bundled, code-cached one when the build made it, unless that bundle is
// older than the compiled worker (tsc run alone after a build), so a
// developer never runs stale kernel code.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/** A dist/ laid out as the build leaves it, with the bundle `bundleAge` seconds newer (negative: older) than the compiled worker. */
function layout(bundleAge: number | undefined): { dir: string; chosen: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-spawn-'));
  mkdirSync(join(dir, 'dist', 'host', 'runner'), { recursive: true });
  copyFileSync(join(ROOT, 'dist', 'host', 'runner', 'spawn.js'), join(dir, 'dist', 'host', 'runner', 'spawn.js'));
  const worker = join(dir, 'dist', 'host', 'runner', 'worker.js');
  writeFileSync(worker, '');
  const t = Date.now() / 1000 - 100;
  utimesSync(worker, t, t);
  if (bundleAge !== undefined) {
    mkdirSync(join(dir, 'dist', 'bundle'));
    for (const f of ['worker.cjs', 'kernel.cjs']) {
      writeFileSync(join(dir, 'dist', 'bundle', f), '');
      utimesSync(join(dir, 'dist', 'bundle', f), t + bundleAge, t + bundleAge);
    }
  }
  const spawnJs = join(dir, 'dist', 'host', 'runner', 'spawn.js');
  const chosen = (): string =>
    execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(`file://${spawnJs}`)}); console.log(m.workerUrl().pathname.slice(${JSON.stringify(dir.length)}))`], { encoding: 'utf8' }).trim();
  return { dir, chosen };
}

describe('the library API\'s kernel worker', () => {
  it('is the bundle when the build made one, the compiled ES module otherwise or when the bundle is stale', () => {
    for (const [age, want] of [[5, '/dist/bundle/worker.cjs'], [0, '/dist/bundle/worker.cjs'], [-5, '/dist/host/runner/worker.js'], [undefined, '/dist/host/runner/worker.js']] as const) {
      const { dir, chosen } = layout(age);
      try {
        expect(chosen(), `bundle ${age ?? 'absent'}`).toBe(want);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
