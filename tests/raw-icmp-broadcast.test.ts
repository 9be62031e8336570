// ICMP to a broadcast address across virtual hosts (#16). On one host the
// behaviour is checked against Linux itself (tests/c/diff_raw_icmp_broadcast.c
// in differential.test.ts); across a LAN there is no native reference, so this
// asserts what Linux does: the packet reaches every host of the segment, the
// sender's own included, and every raw IPPROTO_ICMP socket there sees it
// (raw_v4_input); no host answers an echo request to a broadcast address
// (icmp_echo_ignore_broadcasts), while a unicast one is answered; raw and
// ping sockets need SO_BROADCAST to send it (EACCES otherwise).
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, run, tempDir } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const prog = guest('raw_icmp_lan');
const YAML = `
hosts:
  - { name: a, ipv4: [192.168.7.1/24] }
  - { name: b, ipv4: [192.168.7.2/24] }
  - { name: c, ipv4: [192.168.7.3/24] }
  - { name: far, ipv4: [192.168.8.9] }
lans:
  - { name: lan0, hosts: [a, b, c], latency: 2ms }
processes:
  - { name: la, host: a, module: ${prog}, args: [listen] }
  - { name: lb, host: b, module: ${prog}, args: [listen] }
  - { name: lfar, host: far, module: ${prog}, args: [listen] }
  - { name: tx, host: a, module: ${prog}, args: [raw, 192.168.7.255, 255.255.255.255, 192.168.7.2], start: 1ms }
  - { name: pc, host: c, module: ${prog}, args: [ping, 192.168.7.255], start: 100ms }
`;

describe('ICMP to a broadcast address on a LAN', () => {
  it('reaches the raw ICMP sockets of every LAN host, the sender\'s too; no echo reply to a broadcast', async () => {
    const file = join(tempDir('socklab-rawbc-'), 'lan.yaml');
    writeFileSync(file, YAML);
    const o = await run({ ...(await loadScenario(file, {})).spec, timeoutMs: 60_000 });
    expect(o.status).toBe(0);
    const out = (name: string): string => o.processes.find((p) => p.name === name)!.stdout;
    const seen = (who: string): string[] => [
      `${who}: 192.168.7.1 -> 192.168.7.255 icmp type 8 seq 1`,
      `${who}: 192.168.7.1 -> 255.255.255.255 icmp type 8 seq 2`,
    ];
    // The sender's host: its broadcasts, and only the unicast request's reply (the request itself left the host).
    expect(out('la')).toBe([...seen('listen'), 'listen: 192.168.7.2 -> 192.168.7.1 icmp type 0 seq 3', 'listen: 192.168.7.3 -> 192.168.7.255 icmp type 8 seq 2', 'listen: 4 packets', ''].join('\n'));
    expect(out('tx')).toBe([
      'raw: echo to 192.168.7.255: 13 ok',
      'raw: echo to 255.255.255.255: 13 ok',
      'raw: echo to 192.168.7.2: 13 ok',
      ...seen('raw'),
      'raw: 192.168.7.2 -> 192.168.7.1 icmp type 0 seq 3',
      // c's ping socket broadcast too, at 100 ms.
      'raw: 192.168.7.3 -> 192.168.7.255 icmp type 8 seq 2',
      'raw: 4 packets',
      '',
    ].join('\n'));
    // Another LAN host: the broadcasts and the unicast request to it, which it answers.
    expect(out('lb')).toBe([...seen('listen'), 'listen: 192.168.7.1 -> 192.168.7.2 icmp type 8 seq 3', 'listen: 192.168.7.3 -> 192.168.7.255 icmp type 8 seq 2', 'listen: 4 packets', ''].join('\n'));
    expect(out('lfar')).toBe('listen: 0 packets\n');
    expect(out('pc')).toBe('ping: without SO_BROADCAST: -1 Permission denied\nping: with SO_BROADCAST: 13 ok\nping: 0 replies\n');
    // Three broadcasts, each to the three LAN hosts.
    expect(o.network).toMatchObject({ broadcasts: 9, groupDrops: 0 });
  });
});
