// Multicast on --net=real: the same C programs built natively with gcc and
// run on this machine, and built with socklab and run on --net=real, must
// print the same thing. IPv4 goes over loopback (IP_MULTICAST_IF
// 127.0.0.1, a member joined on 127.0.0.1); the loop tests send out of the
// default interface with a TTL / hop limit of 0, so nothing leaves the host
// and only the loopback copy exists (IPv6 multicast cannot use lo here: lo
// has no IFF_MULTICAST, so a send on it is ENETUNREACH natively). Every
// wait is on a datagram or a pipe, never a sleep.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { freePort, T } from './real-helpers.js';
import { needs } from './tools.js';
import type { RunOptions } from '../dist/host/api.js';

const bin = tempDir('socklab-mcast-');

function native(name: string, args: string[]): { stdout: string; status: number | null } {
  needs('gcc');
  const exe = join(bin, name);
  execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  const r = spawnSync(exe, args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.error).toBeUndefined();
  return { stdout: r.stdout, status: r.status };
}

function real(name: string, args: string[], policy: NonNullable<RunOptions['policy']>) {
  return run({ net: 'real', policy, timeoutMs: T, processes: [{ module: guest(name), name, args }] });
}

describe('--net=real: multicast through Node dgram sockets', () => {
  it('a forked sender reaches a receiver joined on 127.0.0.1; after IP_DROP_MEMBERSHIP the next datagram is the unicast marker', async () => {
    const port = String(await freePort());
    const n = native('real_mcast_pair', [port]);
    const o = await real('real_mcast_pair', [port], { allowListen: [`0.0.0.0:${port}`, '239.255.77.0/24'], allowConnect: [`239.255.77.1:${port}`, `127.0.0.1:${port}`] });
    expect(o.stdout).toBe(n.stdout);
    expect(o.status).toBe(n.status);
    // What Linux says, spelled out (the native run is on this machine, so it proves the sandbox too).
    expect(o.stdout).toBe(
      [
        'join before bind: ok',
        'join again: Address already in use',
        'got "one" from 127.0.0.1',
        'got "two" from 127.0.0.1',
        'drop: ok',
        'drop again: Cannot assign requested address',
        'got "marker" from 127.0.0.1',
        'sender before bind: ttl 3 loop 1 if 127.0.0.1',
        'sender after its sends: ttl 3 loop 1 if 127.0.0.1',
        'sender exited 0',
        '',
      ].join('\n'),
    );
    expect(o.notices ?? []).toEqual([]);
  }, T);

  it('IP_MULTICAST_LOOP 0 and IPV6_MULTICAST_LOOP 0 stop the copy to the sender\'s own member socket; membership errors are Linux\'s', async () => {
    const p4 = String(await freePort());
    const p6 = String(await freePort());
    const n = native('real_mcast_loop', [p4, p6]);
    const o = await real('real_mcast_loop', [p4, p6], { allowListen: [`0.0.0.0:${p4}`, `[::]:${p6}`, '239.255.77.2', 'ff05::77:3'], allowConnect: [`239.255.77.2:${p4}`, `127.0.0.1:${p4}`, `[ff05::77:3]:${p6}`, `[::1]:${p6}`] });
    expect(o.stdout).toBe(n.stdout);
    expect(o.status).toBe(n.status);
    expect(o.stdout).toContain('join 10.1.2.3: Invalid argument\njoin on ifindex 999: No such device\ndrop not joined: Cannot assign requested address\n');
    expect(o.stdout).toContain('got "looped"\nIP_MULTICAST_LOOP 0: ok\nttl 0 loop 0\ngot "marker"\n');
    expect(o.stdout).toContain('got "looped6"\nIPV6_MULTICAST_LOOP 0: ok\nhops 0 loop 0 if 0\ngot "marker6"\nleave ff05::77:3: ok\nleave again: Cannot assign requested address\n');
  }, T);

  it('joining a group needs --allow-listen to cover it: EACCES with a notice otherwise', async () => {
    const o = await real('real_mcast_policy', [], { allowListen: ['239.255.77.0/24:5000'] });
    expect(o.stdout).toBe('join 239.255.77.1: ok\njoin 239.255.78.1: Permission denied\njoin ff05::77:1: Permission denied\n');
    expect(o.notices).toEqual([
      'socklab: policy: group 239.255.78.1 is not in --allow-listen (239.255.77.0/24:5000)',
      'socklab: policy: group ff05::77:1 is not in --allow-listen (239.255.77.0/24:5000)',
    ]);
    const none = await real('real_mcast_policy', [], {});
    expect(none.stdout).toBe('join 239.255.77.1: Permission denied\njoin 239.255.78.1: Permission denied\njoin ff05::77:1: Permission denied\n');
    expect(none.notices[0]).toBe('socklab: policy: joining group 239.255.77.1 refused: no --allow-listen given');
  }, T);
});
