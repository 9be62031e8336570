// A process killed in a call that never returned: its line ends as strace
// ends it ("= ?"), before "+++ killed by SIGKILL +++" (strace 6, checked
// with `strace -f` on the same program built with gcc).
import { describe, expect, it } from 'vitest';
import { guest } from './helpers.js';
import { run } from '../dist/host/api.js';

describe('a call cut by a kill', () => {
  it('closes an <unfinished ...> line with a resumed line "= ?"', async () => {
    const o = await run({ processes: [{ module: guest('trace_killed_blocked') }], trace: { time: 'none' } });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('child killed by signal 9\n');
    const lines = o.trace!.split('\n').filter((l) => l.startsWith('[pid 2]'));
    expect(lines.slice(-3)).toEqual(['[pid 2] read(3<pipe:[1048576]>,  <unfinished ...>', '[pid 2] <... read resumed> <unfinished ...>) = ?', '[pid 2] +++ killed by SIGKILL +++']);
  });

  it('ends a line no other line cut with ") = ?"', async () => {
    const o = await run({ processes: [{ module: guest('trace_killed_blocked') }], trace: { time: 'none', pids: [2] } });
    expect(o.trace!.trimEnd().split('\n').slice(-2)).toEqual(['[pid 2] read(3<pipe:[1048576]>,  <unfinished ...>) = ?', '[pid 2] +++ killed by SIGKILL +++']);
  });

  it('shows a call SIGTERM kills in as interrupted first (= ? ERESTARTSYS), then the signal, as strace does', async () => {
    const o = await run({ processes: [{ module: guest('trace_killed_blocked'), args: ['TERM'] }], trace: { time: 'none' } });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('child killed by signal 15\n');
    const lines = o.trace!.split('\n').filter((l) => l.startsWith('[pid 2]')).map((l) => l.replace(/ <\d+\.\d+>$/, ''));
    expect(lines.slice(-4)).toEqual([
      '[pid 2] read(3<pipe:[1048576]>,  <unfinished ...>',
      expect.stringMatching(/^\[pid 2\] <\.\.\. read resumed>0x[0-9a-f]+, 1\) += \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)$/),
      '[pid 2] --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---',
      '[pid 2] +++ killed by SIGTERM +++',
    ]);
  });

  it('writes no line for the cut call in JSONL (a record is a call that returned)', async () => {
    const o = await run({ processes: [{ module: guest('trace_killed_blocked') }], trace: { format: 'jsonl' } });
    const child = o.trace!.trimEnd().split('\n').map((l) => JSON.parse(l) as { pid: number; call?: string; exit?: unknown }).filter((e) => e.pid === 2);
    expect(child.some((e) => e.call === 'read')).toBe(false);
    expect(child.at(-1)!.exit).toEqual({ signal: 'SIGKILL' });
  });
});
