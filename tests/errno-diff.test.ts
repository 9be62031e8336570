// Every socket-related call's bad input, Linux as the reference: each
// tests/c/diff_errno_*.c program prints one line per case ("case ret
// errno-name"); it is built natively with gcc and run on this machine, and
// built for socklab and run on the virtual network, and the two outputs must
// match line for line. A difference names its cases, so a failure reads as
// the list of calls whose errno socklab gets wrong.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runGuest } from './helpers.js';
import { needs } from './tools.js';

const dir = join(ROOT, 'tests', 'c');
const programs = readdirSync(dir).filter((f) => /^diff_errno_.*\.c$/.test(f)).sort().map((f) => f.replace(/\.c$/, ''));
const bin = mkdtempSync(join(tmpdir(), 'socklab-errno-'));

/** "case ret errno" lines by case name; a case printed twice is a bug in the program. */
function byCase(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const name = line.split(' ')[0]!;
    expect(m.has(name), `case ${name} printed twice`).toBe(false);
    m.set(name, line);
  }
  return m;
}

describe('bad input gets the errno Linux gives', () => {
  it('has programs', () => expect(programs.length).toBeGreaterThanOrEqual(3));

  it.each(programs)('%s', async (prog) => {
    needs('gcc');
    const exe = join(bin, prog);
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(dir, `${prog}.c`)]);
    const native = spawnSync(exe, [], { cwd: bin, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(native.error).toBeUndefined();
    expect(native.status, native.stderr).toBe(0);
    const o = await runGuest(prog);
    expect(o.status, o.stderr).toBe(0);
    const want = byCase(native.stdout);
    const got = byCase(o.stdout);
    expect(want.size).toBeGreaterThan(20);
    // Per case first (a readable failure), then the whole output (the same cases, in the same order).
    const differing = [...want].filter(([k, v]) => got.get(k) !== v).map(([k, v]) => `linux:   ${v}\nsocklab: ${got.get(k) ?? '(missing)'}`);
    expect(differing.join('\n')).toBe('');
    expect(o.stdout).toBe(native.stdout);
  });
});
