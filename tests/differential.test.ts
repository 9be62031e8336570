// Linux is the reference: every tests/c/net_*.c and tests/c/diff_*.c program
// is built natively with gcc and run on this Linux machine, built with
// socklab and run on the virtual network, and the two outputs must match
// after normalising what legitimately differs (see normalise()).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const dir = join(ROOT, 'tests', 'c');
/** Test programs named net_* or diff_* (diff_errno_*: tests/errno-diff.test.ts), and examples that carry "// run:" lines (built as examples_<name>). */
const testPrograms = readdirSync(dir).filter((f) => /^(net|diff)_.*\.c$/.test(f) && !f.startsWith('diff_errno_')).sort().map((f) => ({ path: join(dir, f), guest: f.replace(/\.c$/, '') }));
const examplePrograms = readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.c') && /^\/\/ run:/m.test(readFileSync(join(ROOT, 'examples', f), 'utf8')))
  .sort()
  .map((f) => ({ path: join(ROOT, 'examples', f), guest: `examples_${f.replace(/^.*\//, '').replace(/\.c$/, '')}` }));
const programs = [...testPrograms, ...examplePrograms];
const bin = tempDir('socklab-native-');
const MACHINE_HOSTS = readFileSync('/etc/hosts', 'utf8');

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

/** Argument lists a program runs with, from "// run: ..." lines in its source (default: one run, no arguments). */
function runsOf(src: string): string[][] {
  const runs = [...src.matchAll(/^\/\/ run:(.*)$/gm)].map((m) => m[1]!.trim().split(/\s+/).filter(Boolean));
  return runs.length ? runs : [[]];
}

const cases = programs.flatMap((prog) => runsOf(readFileSync(prog.path, 'utf8')).map((args) => [`${prog.guest} ${args.join(' ')}`.trim(), prog, args] as const));

describe('socklab matches Linux', () => {
  it.each(cases)('%s', async (_name, prog, args) => {
    const exe = join(bin, prog.guest);
    needs('gcc');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, prog.path]);
    // stdin is /dev/null natively too: Node's own pipes are sockets and would change what the program sees.
    const run = nativeTmp(bin);
    const native = spawnSync(exe, [...args], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], cwd: run.cwd, env: run.env });
    expect(native.error).toBeUndefined();
    native.stdout = run.asTmp(native.stdout);
    // The virtual host gets this machine's /etc/hosts, so names resolve from the same file on both sides
    // (socklab's own default is Debian's, with ::1 localhost: tests/cli-ux.test.ts).
    const o = await runGuest(prog.guest, [...args], { network: { hosts: [{ name: 'host1', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'], etcHosts: MACHINE_HOSTS }] } });
    expect(normalise(o.stdout)).toBe(normalise(native.stdout));
    // A signal death natively is status null + signal; socklab reports 128+N, as a shell does.
    const nativeStatus = native.status ?? 128 + (({ SIGPIPE: 13, SIGABRT: 6, SIGSEGV: 11 }) as Record<string, number>)[native.signal ?? ''] !;
    expect(o.status).toBe(nativeStatus);
  });
});
