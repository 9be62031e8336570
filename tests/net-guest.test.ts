// The socket C programs (tests/c/net_*.c) as guests. differential.test.ts
// already compares each one's output with the same program built by gcc and
// run natively; this suite checks what a native run cannot: that the output
// does not depend on the run's seed (scheduling, ephemeral ports, initial
// sequence numbers) nor on the virtual network around the host (other
// hosts, a lossy link elsewhere), and that the same seed replays the same
// syscall trace byte for byte.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, guest, run, runGuest } from './helpers.js';

/** Each program with the arguments of its first "// run:" line (as differential.test.ts runs it). */
const programs = readdirSync(join(ROOT, 'tests', 'c'))
  .filter((f) => /^net_.*\.c$/.test(f))
  .sort()
  .map((f) => {
    const run = /^\/\/ run:(.*)$/m.exec(readFileSync(join(ROOT, 'tests', 'c', f), 'utf8'));
    return [f.replace(/\.c$/, ''), run ? run[1]!.trim().split(/\s+/).filter(Boolean) : []] as const;
  });

/** The guest's host among others, with a lossy, jittery link it does not use. */
const busyNetwork = {
  hosts: [{ name: 'host1', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] }, { name: 'far', ipv4: ['10.9.0.2'], ipv6: ['fd00::9:2'] }],
  links: [{ a: 'host1', b: 'far', latencyMs: 40, jitterMs: 10, loss: 0.3, duplicate: 0.1, reorder: 0.2 }],
};

/** Ports and addresses legitimately vary: the programs print them after "port=" / "addr=". */
const normalise = (s: string): string => s.replace(/\bport=\d+/g, 'port=N').replace(/\baddr=[0-9a-fA-F.:]+/g, 'addr=A');

describe('socket programs on the virtual network', () => {
  it.each(programs)('%s prints the same with another seed and with other hosts and links around', async (name, args) => {
    const base = await runGuest(name, [...args], { seed: 1 });
    const other = await runGuest(name, [...args], { seed: 99 });
    const busy = await runGuest(name, [...args], { seed: 5, network: busyNetwork });
    expect(normalise(other.stdout)).toBe(normalise(base.stdout));
    expect(normalise(busy.stdout)).toBe(normalise(base.stdout));
    expect([other.status, busy.status]).toEqual([base.status, base.status]);
  });

  it('replays the same syscall trace for the same seed', async () => {
    const a = await runGuest('net_states', [], { seed: 4, output: 'discard', trace: {} });
    const b = await runGuest('net_states', [], { seed: 4, output: 'discard', trace: {} });
    expect(a.trace).toBeTruthy();
    expect(b.trace).toBe(a.trace);
    // The loopback handshake completes inside the call, as on Linux: a non-blocking connect says EINPROGRESS, the next connect 0.
    expect(a.trace).toMatch(/connect\(\d+<TCP:[^>]*>, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) = -1 EINPROGRESS/);
  });

  it('runs unprivileged ICMP echo sockets as Linux does when ping_group_range allows them', async () => {
    // No native reference (this machine's ping_group_range refuses them): the expected lines are Linux's
    // documented behaviour (net/ipv4/ping.c): EINVAL for anything but an echo request of 8+ bytes, identifiers
    // from 1 up, the reply without an IP header from port 0, each reply to the socket owning its identifier.
    const o = await runGuest('ping_dgram');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe([
      'SO_PROTOCOL: 1',
      'send an echo reply instead: -1 Invalid argument',
      'send 4 bytes: -1 Invalid argument',
      'send an echo request: 16 ok',
      'identifier (port): 1',
      'reply: 16 bytes from 127.0.0.1 port 0, type 0 code 0, id 1 seq 1, payload ping!!!!',
      'checksum valid: yes',
      'bind identifier 77 (no privilege needed): 0 ok',
      'send: 16 ok',
      'reply id 77',
      'nothing for the first socket: -1 Resource temporarily unavailable',
      '',
    ].join('\n'));
  });

  it('refuses raw sockets to a process without the raw privilege, after checking the protocol', async () => {
    const denied = await run({ processes: [{ module: guest('net_raw'), name: 'net_raw.wasm', raw: false }], timeoutMs: 60_000 });
    expect(denied.processes[0]!.stdout).toMatch(/^raw with protocol 0: Protocol not supported\nraw with protocol 256: Operation not permitted\nraw ICMP: Operation not permitted\n/);
  });
});
