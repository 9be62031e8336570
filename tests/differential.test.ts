// Linux is the reference: every tests/c/net_*.c and tests/c/diff_*.c program
// is built natively with gcc and run on this Linux machine, built with
// socklab and run on the virtual network, and the two outputs must match
// after normalising what legitimately differs (see normalise()).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runGuest } from './helpers.js';

const dir = join(ROOT, 'tests', 'c');
const programs = readdirSync(dir).filter((f) => /^(net|diff)_.*\.c$/.test(f)).sort();
const bin = mkdtempSync(join(tmpdir(), 'socklab-native-'));

/**
 * Ephemeral ports and addresses of the machine differ between Linux and the
 * virtual network; a program marks such values by printing them after
 * "port=" or "addr=", and lines starting with "#" are commentary.
 */
export function normalise(out: string): string {
  return out
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\bport=\d+/g, 'port=N').replace(/\baddr=[0-9a-fA-F.:]+/g, 'addr=A'))
    .join('\n');
}

/** Arguments a program takes, from a "// args: ..." line in its source. */
function argsOf(src: string): string[] {
  const m = /^\/\/ args: (.*)$/m.exec(src);
  return m ? m[1]!.trim().split(/\s+/) : [];
}

describe.runIf(programs.length > 0)('socklab matches Linux', () => {
  it.each(programs)('%s', async (file) => {
    const src = readFileSync(join(dir, file), 'utf8');
    const exe = join(bin, file.replace(/\.c$/, ''));
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(dir, file)]);
    const native = spawnSync(exe, argsOf(src), { encoding: 'utf8', timeout: 20_000 });
    expect(native.error).toBeUndefined();
    const o = await runGuest(file.replace(/\.c$/, ''), argsOf(src));
    expect(normalise(o.stdout)).toBe(normalise(native.stdout));
    expect(o.status).toBe(native.status ?? 128 + 9);
  });
});
