// Every socket-related call's bad input, Linux as the reference: each
// tests/c/diff_errno_*.c program prints one line per case ("case ret
// errno-name"); it is built natively with gcc and run on this machine, and
// built for socklab and run on the virtual network, and the two outputs must
// match line for line. A difference names its cases, so a failure reads as
// the list of calls whose errno socklab gets wrong.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * One line of `strace -f -yy` or of socklab's trace, with what differs between the machine and the
 * virtual network normalised away: pids, times, -yy decorations, ports, user-space addresses, and
 * BADP (0x1 natively, past the end of linear memory under socklab).
 */
function traceLine(l: string): string {
  return l
    .replace(/^\[pid +\d+\] |^\d+ +/, '')
    .replace(/^\d+\.\d+ /, '')
    .replace(/ <\d+\.\d+>$/, '')
    .replace(/\b\d+<(?:TCP|UDP|UNIX|pipe)[^\]]*\]>/g, 'FD')
    .replace(/htons\(\d+\)/g, 'htons(PORT)')
    .replace(/sa_data="[^"]*"/g, 'sa_data=DATA')
    .replace(/(?<=[(, ])0x1(?=[,)])|0x[0-9a-f]{4,}(?! \/\*)/g, 'PTR')
    .replace(/ +=/, ' =');
}

/** The lines for `calls`, a call another process's line cut ("<unfinished ...>", "<... resumed>") joined into one. */
function traceLines(trace: string, calls: string[]): string[] {
  const open = new Map<string, string>();
  const out: string[] = [];
  for (const raw of trace.split('\n')) {
    const pid = (/^(?:\[pid +(\d+)\] |(\d+) +)/.exec(raw) ?? []).slice(1).join('');
    const l = traceLine(raw);
    const u = / ?<unfinished \.\.\.>$/.exec(l);
    if (u) {
      open.set(pid, l.slice(0, u.index));
      continue;
    }
    const r = /^<\.\.\. \w+ resumed>\s*(.*)$/.exec(l);
    const line = r && open.has(pid) ? `${open.get(pid)}${r[1]!.startsWith(')') ? '' : ' '}${r[1]}` : l;
    if (r) open.delete(pid);
    if (calls.some((c) => line.startsWith(`${c}(`))) out.push(line);
  }
  return out;
}

describe('the address calls trace as strace -f -yy prints them', () => {
  // strace's fetch_socklen: a length without an address to fill is printed as a pointer, accept(3, NULL, 0x7ffc...).
  const calls = ['accept', 'accept4', 'getsockname', 'getpeername'];
  it('diff_errno_socket', async () => {
    needs('gcc');
    needs('strace');
    const exe = join(bin, 'diff_errno_socket-trace');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(dir, 'diff_errno_socket.c')]);
    const out = join(bin, 'diff_errno_socket.strace');
    const st = spawnSync('strace', ['-f', '-yy', '-e', `trace=${calls.join(',')}`, '-o', out, exe], { cwd: bin, stdio: 'ignore', timeout: 20_000 });
    expect(st.error).toBeUndefined();
    expect(st.status).toBe(0);
    const native = traceLines(readFileSync(out, 'utf8'), calls);
    const o = await runGuest('diff_errno_socket', [], { trace: { classes: calls, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    expect(native.length).toBeGreaterThan(40);
    expect(native.filter((l) => /NULL, PTR/.test(l)).length).toBeGreaterThanOrEqual(4);
    expect(traceLines(o.trace ?? '', calls)).toEqual(native);
  });
});
