// socklab diff (issue #15 part 3): two traces aligned per process, with
// what legitimately differs between runs normalised away.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { diffTraces, fromTraceLines, parseTrace } from '../dist/host/trace/diff.js';

const socklab = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { encoding: 'utf8' });

const A = `[pid 7] 0.000001 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[1000004]> <0.000000>
[pid 7] 0.000002 connect(3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>, {sa_family=AF_INET, sin_port=htons(7000), sin_addr=inet_addr("10.0.0.1")}, 16 <unfinished ...>
[pid 8] 0.000003 poll(0xfbfa0, 1, -1 <unfinished ...>
[pid 7] 0.004001 <... connect resumed>) = 0 <0.004000>
[pid 8] 0.004002 <... poll resumed>) = 1 <0.004000>
[pid 7] 0.004003 recvfrom(3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>,  <unfinished ...>
[pid 7] 0.004010 <... recvfrom resumed>"hello", 255, 0, NULL, NULL) = 5 <0.000007>
[pid 7] 0.004011 +++ exited with 0 +++
`;
// The same run with other pids, ports, inodes, pointers and times.
const B = A.replaceAll('pid 7', 'pid 17').replaceAll('pid 8', 'pid 18').replaceAll('40001', '51234').replaceAll('1000004', '1000020').replaceAll('0xfbfa0', '0xfbe10').replaceAll('0.004', '0.009');

describe('trace diff', () => {
  it('joins <unfinished ...> with <... resumed>, in both of strace\'s styles', () => {
    const e = parseTrace(A);
    expect(e.map((x) => x.text)).toEqual([
      'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[1000004]>',
      'connect(3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>, {sa_family=AF_INET, sin_port=htons(7000), sin_addr=inet_addr("10.0.0.1")}, 16) = 0',
      'poll(0xfbfa0, 1, -1) = 1',
      'recvfrom(3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>, "hello", 255, 0, NULL, NULL) = 5',
      '+++ exited with 0 +++',
    ]);
  });

  it('finds no difference between runs that differ only in pids, ports, inodes, pointers and times', () => {
    expect(diffTraces(parseTrace(A), parseTrace(B)).same).toBe(true);
  });

  it('names an ephemeral port in getnameinfo\'s service string as in the address it came from, but not other quoted numbers', () => {
    const line = (port: string, text: string): string =>
      `[pid 1] 0.011014 getnameinfo({sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("10.0.0.2")}, 16, "10.0.0.2", 1025, "${port}", 32, NI_NUMERICHOST|NI_NUMERICSERV) = 0 [library call] <0.000000>\n` +
      `[pid 1] 0.011015 writev(1<pipe:[2]>, [{iov_base="${text}", iov_len=5}], 1) = 5 <0.000000>\n`;
    expect(diffTraces(parseTrace(line('34873', 'hello')), parseTrace(line('52922', 'hello'))).same).toBe(true);
    // A port-like number that is data, not a port (no address shows it), still differs.
    expect(diffTraces(parseTrace(line('34873', '40000')), parseTrace(line('34873', '40001'))).same).toBe(false);
  });

  it('reports the first real difference with its context and a summary', () => {
    const C = B.replace('"hello", 255, 0, NULL, NULL) = 5', '"hell", 255, 0, NULL, NULL) = 4');
    const d = diffTraces(parseTrace(A), parseTrace(C), { context: 2 });
    expect(d.same).toBe(false);
    expect(d.first).toMatchObject({ index: 1, pidA: 7, pidB: 17, call: 3 });
    expect(d.first!.context).toHaveLength(2);
    expect(d.first!.a).toEqual(['recvfrom(3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>, "hello", 255, 0, NULL, NULL) = 5']);
    expect(d.first!.b).toEqual(['recvfrom(3<TCP:[10.0.0.2:51234->10.0.0.1:7000]>, "hell", 255, 0, NULL, NULL) = 4']);
    expect(d.processes).toEqual([{ index: 1, pidA: 7, pidB: 17, onlyA: 1, onlyB: 1 }]);
  });

  it('for a grader: JSONL lines already parsed, processes paired by pid, calls judged by their results', () => {
    const call = (pid: number, c: string, args: string[], ret: string, errno?: string) => ({ pid, call: c, args, ret, ...(errno ? { errno } : {}) });
    const a = [
      call(2, 'connect', ['3<TCP:[10.0.0.2:40001->10.0.0.1:7000]>', '{...}', '16'], '0'),
      call(1, 'accept4', ['3<TCP:[0.0.0.0:7000]>', 'NULL', 'NULL', '0'], '4<TCP:[10.0.0.1:7000->10.0.0.2:40001]>'),
      call(1, 'recvfrom', ['4<TCP:[10.0.0.1:7000->10.0.0.2:40001]>', '"hi"', '4095', '0', 'NULL', 'NULL'], '2'),
      { pid: 1, exit: { code: 0 } },
    ];
    // The other run: pid 1's first call ends first, another ephemeral port, a bigger buffer.
    const b = [a[1]!, a[0]!, a[2]!, a[3]!].map((e) => JSON.parse(JSON.stringify(e).replaceAll('40001', '51000').replace('4095', '4096')) as typeof e);
    const ea = fromTraceLines(a);
    expect(ea.map((e) => e.source)).toEqual([0, 1, 2, 3]);
    expect(ea[2]).toMatchObject({ call: 'recvfrom', result: '2' });
    expect(ea[3]).toMatchObject({ call: '+++', text: '+++ exited with 0 +++' });
    // By order of appearance the processes pair wrongly; the whole lines differ in the buffer size.
    expect(diffTraces(ea, fromTraceLines(b), { compare: 'result' }).same).toBe(false);
    expect(diffTraces(ea, fromTraceLines(b), { byPid: true }).first).toMatchObject({ pidA: 1, pidB: 1, call: 2 });
    expect(diffTraces(ea, fromTraceLines(b), { byPid: true, compare: 'result' }).same).toBe(true);
    // A different result is a difference, with the events and what each side did next.
    const c = b.map((e) => ('ret' in e && e.call === 'recvfrom' ? { ...e, ret: '-1', errno: 'ECONNRESET' } : e));
    const d = diffTraces(ea, fromTraceLines(c), { byPid: true, compare: 'result' });
    expect(d.first).toMatchObject({ index: 1, pidA: 1, pidB: 1, call: 2 });
    expect(d.first!.b).toEqual(['recvfrom(4<TCP:[10.0.0.1:7000->10.0.0.2:51000]>, "hi", 4096, 0, NULL, NULL) = -1 ECONNRESET']);
    expect(d.first!.events.a.map((e) => e.source)).toEqual([2]);
    expect(d.first!.events.nextA?.text).toBe('+++ exited with 0 +++');
    expect(d.first!.events.nextB?.text).toBe('+++ exited with 0 +++');
    // A pid only one run has pairs with nothing.
    const e = diffTraces(ea, fromTraceLines(b.filter((x) => x.pid === 1)), { byPid: true, compare: 'result' });
    expect(e.first).toMatchObject({ pidA: 2, call: 1, b: [] });
    expect(e.first!.pidB).toBeUndefined();
  });

  it('text traces carry results too, so compare: result works on them', () => {
    const e = parseTrace(A);
    expect(e.map((x) => x.result)).toEqual(['3<TCP:[1000004]>', '0', '1', '5', '+++ exited with 0 +++']);
    const C = B.replace('16 <unfinished', '99 <unfinished');
    expect(diffTraces(parseTrace(A), parseTrace(C)).same).toBe(false);
    expect(diffTraces(parseTrace(A), parseTrace(C), { compare: 'result' }).same).toBe(true);
  });

  it('socklab diff: exit 0 for the same seed, 1 with the first divergence for another seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-diff-'));
    try {
      const demo = join(ROOT, 'examples', 'tcp-echo', 'demo.yaml');
      for (const [f, seed] of [['a', '1'], ['b', '1'], ['c', '2']] as const) {
        expect(socklab(['run', demo, '--seed', seed, `--trace=${join(dir, f)}`]).status).toBe(0);
      }
      const same = socklab(['diff', join(dir, 'a'), join(dir, 'b')]);
      expect(same.stdout).toMatch(/^the traces do the same calls/);
      expect(same.status).toBe(0);
      // The same run traced as JSONL: lines ordered by their end, no unfinished/resumed, no [library call] mark.
      expect(socklab(['run', demo, '--seed', '1', '--trace-format', 'jsonl', `--trace=${join(dir, 'j')}`]).status).toBe(0);
      const formats = socklab(['diff', join(dir, 'a'), join(dir, 'j')]);
      expect(formats.stdout).toMatch(/^the traces do the same calls/);
      expect(formats.status).toBe(0);
      const other = socklab(['diff', join(dir, 'a'), join(dir, 'c')]);
      expect(other.status).toBe(1);
      expect(other.stdout).toMatch(/^first difference: process \d+ \(pid \d+ in .*, pid \d+ in .*\), call \d+\n/);
      expect(other.stdout).toMatch(/\nsummary:\n/);
      writeFileSync(join(dir, 'empty'), '');
      expect(socklab(['diff', join(dir, 'a'), join(dir, 'missing')]).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('trace diff on runs too different to align', () => {
  it('finds the first difference in linear time and counts the rest without aligning it', () => {
    const call = (i: number, r: string) => ({ pid: 1, call: 'recvfrom', args: [`3<UDP:[${i}]>`], ret: r });
    const common = Array.from({ length: 100 }, () => call(0, '5'));
    // A run looping on a failing call against one that goes on working: every call after the common part differs.
    const a = fromTraceLines([...common, ...Array.from({ length: 200_000 }, () => call(0, '-1'))]);
    const b = fromTraceLines([...common, ...Array.from({ length: 200_000 }, () => call(0, '7'))]);
    // Aligned by Myers' algorithm this would be 200,000 x 200,000 steps: the test's timeout is the guard.
    const d = diffTraces(a, b, { compare: 'result' });
    expect(d.first).toMatchObject({ call: 101 });
    expect(d.first!.a).toHaveLength(200_000);
    expect(d.processes).toEqual([{ index: 1, pidA: 1, pidB: 1, onlyA: 200_000, onlyB: 200_000, unaligned: true }]);
  }, 30_000);
});
