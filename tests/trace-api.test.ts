// The trace API graders use: record a run, filter it, and assert what each
// process did, with readable failures.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { guest, ROOT } from './helpers.js';
import { Trace, TraceAssertionError } from '../dist/host/api.js';
import { loadScenario } from '../dist/host/scenario/load.js';

describe('trace API', () => {
  it('follows the echo server through socket, bind, listen, accept and sees every fd closed', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'));
    const { outcome, trace } = await Trace.record(spec);
    expect(outcome.status).toBe(0);
    expect(trace.pids()).toEqual([1, 2, 3, 4]);
    trace.expectSequence(1, ['socket', 'bind', 'listen', 'accept4', 'close']);
    trace.expectAllAcceptedClosed(1);
    for (const pid of trace.pids()) trace.expectNoFdLeak(pid);
    expect(trace.events({ pid: 1, call: 'accept4' })).toHaveLength(3);
    expect(trace.events({ host: 'client', call: 'connect' }).map((e) => e.ret)).toEqual(['0', '0', '0']);
    expect(trace.filter({ pid: 2 }).pids()).toEqual([2]);
    expect(() => trace.expectSequence(2, ['socket', 'listen'])).toThrow(TraceAssertionError);
    expect(() => trace.expectSequence(2, ['socket', 'listen'])).toThrow(/pid 2 did not call socket -> listen in that order: after socket there was no listen/);
  });

  it('names the accepted connection a leaky server never closed', async () => {
    const { trace } = await Trace.record({
      processes: [
        { module: guest('scn_leaky_server'), args: ['7000'] },
        { module: join(ROOT, 'wasm', 'tests', 'examples_echo_client.wasm'), args: ['localhost', '7000', 'hi'], startMs: 1 },
      ],
    });
    expect(() => trace.expectAllAcceptedClosed(1)).toThrow(/pid 1 did not close 1 accepted connection\(s\):\n  fd 4, from \[pid 1\] accept\(3<TCP:\[0\.0\.0\.0:7000\]>, NULL, NULL\) = 4<TCP:\[127\.0\.0\.1:7000->127\.0\.0\.1:\d+\]>/);
    expect(() => trace.expectNoFdLeak(1)).toThrow(/ended with 2 fd\(s\) it opened still open/);
    trace.expectNoFdLeak(2);
  });

  it('reads a JSONL trace back', async () => {
    const { outcome, trace } = await Trace.record({ processes: [{ module: guest('kernel_args'), args: ['x'] }] });
    const again = Trace.fromJsonl(outcome.trace!);
    expect(again.lines).toEqual(trace.lines);
    expect(again.events({ call: 'exit_group' })).toHaveLength(0); // proc_exit never returns: only the exit line
    expect(again.lines.at(-1)).toMatchObject({ pid: 1, exit: { code: 0 } });
  });
});
