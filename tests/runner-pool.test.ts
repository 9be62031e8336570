// A worker reused for another run (host/runner/pool.ts, grading) numbers
// and behaves exactly as a fresh one: the trace of a run is the same byte
// for byte whether it is the worker's first run or its fifth, with sockets,
// pipes, epoll/eventfd/timerfd, files and forks (inode numbers, IP ids and
// pids all start again).
import { afterAll, describe, expect, it } from 'vitest';
import { guest, run } from './helpers.js';
import { RunnerPool } from '../dist/host/runner/pool.js';

const pool = new RunnerPool({ size: 1 });
afterAll(() => pool.close());

const PROGRAMS = ['diff_epoll_eventfd_timerfd', 'diff_pipe', 'diff_fork_share', 'fs_ops', 'net_states'];

describe('RunnerPool', () => {
  it('gives a reused worker the trace a fresh worker gives', async () => {
    const opts = (name: string) => ({ processes: [{ module: guest(name), name }], timeoutMs: 60_000, trace: {} });
    const fresh = new Map<string, string>();
    for (const name of PROGRAMS) fresh.set(name, (await run(opts(name))).trace);
    // Twice through the one pooled worker, in an order that leaves each run after another program's.
    for (const round of [PROGRAMS, [...PROGRAMS].reverse()]) {
      for (const name of round) {
        const o = await pool.run(opts(name));
        expect(o.trace, `${name} on a reused worker`).toBe(fresh.get(name));
      }
    }
    expect(pool.stats.workersStarted).toBe(1);
    expect(pool.stats.runs).toBe(2 * PROGRAMS.length);
    // What the programs are there for shows in the traces.
    const all = [...fresh.values()].join('\n');
    for (const s of ['anon_inode:[eventpoll]', 'pipe2(', 'TCP:[', 'clone('])  expect(all).toContain(s);
  }, 300_000);
});
