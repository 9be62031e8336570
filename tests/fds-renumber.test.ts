// WASI's fd_renumber closes what its target held as dup2 does (#16): over
// the last reference to a socket with SO_LINGER {1, N} and unacknowledged
// data the call waits up to N seconds of virtual time, once (a resumed call
// does not renumber again). tests/c/linger_renumber.c has no native twin.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

describe('fd_renumber over a lingering socket', () => {
  it('waits like dup2 over the last reference, not over a shared one or without linger', async () => {
    const o = await runGuest('linger_renumber', [], { trace: { classes: ['desc'], time: 'relative' } });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe([
      'linger: fd_renumber errno 0, waited 2.0 s, old fd gone: yes',
      'linger: server read all the data: yes, then EOF',
      'shared: fd_renumber errno 0, waited 0.0 s, old fd gone: yes',
      'shared: closing the last reference waited 2.0 s',
      'shared: server read all the data: yes, then EOF',
      'no linger: fd_renumber errno 0, waited 0.0 s, old fd gone: yes',
      'no linger: server read all the data: yes, then EOF',
      'closed target: errno 8',
      '',
    ].join('\n'));
    // One traced call per fd_renumber, the lingering one lasting the 2 s.
    const calls = (o.trace ?? '').split('\n').filter((l) => /\bdup2\(/.test(l));
    expect(calls).toHaveLength(4);
    expect(calls[0]).toMatch(/dup2\(\d+<pipe:\[\d+\]>, 4<TCP:\[[^\]]+\]>\) += 0 <2\.0000\d\d>$/);
    expect(calls[1]).toMatch(/= 0 <0\.000000>$/);
  });
});
