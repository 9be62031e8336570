// SO_ATTACH_FILTER on AF_UNIX sockets (docs/abi.md "Socket filters"): the receiver's classic BPF program runs on
// each SOCK_DGRAM and SOCK_SEQPACKET message's payload as Linux's unix_dgram_sendmsg runs it (dropped with no error
// to the sender, cut, device loads ending the program with A), and not on a stream. tests/c/unix_filter.c prints
// the same as its gcc build on Linux.
import { describe, expect, it } from 'vitest';
import { nativeStdout, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

describe('socket filters on AF_UNIX sockets, against Linux', () => {
  it('unix_filter prints what the gcc build prints', async () => {
    needs('gcc');
    const want = nativeStdout('unix_filter', tempDir('socklab-unix-filter-'));
    expect(want).toContain('dgram, ifindex with no device: attach 0\n  send "a long datagram" = 15\n  recv 7 "a long "\n');
    const o = await runGuest('unix_filter');
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(want);
  }, 60_000);
});
