// AF_PACKET sockets on the virtual network (host/net/virtual/packet.ts): a
// textbook sniffer (tests/c/pkt_sniffer.c) bound to lo while another process
// of the host has a UDP and a TCP exchange (tests/c/pkt_traffic.c). The
// reference is the gcc builds of the same two programs run as root on this
// machine's lo (Linux 6.x): every packet twice, as it leaves (PACKET_OUTGOING)
// and as it comes back in (PACKET_HOST), with lo's 14-byte header of zero
// MACs (ARPHRD_LOOPBACK, sll_halen 6). Lengths are compared as payload
// lengths: Linux's TCP headers carry options, the virtual network's none.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, run, tempDir } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import type { RunOutcome } from '../dist/host/runner/run.js';

const sniffer = guest('pkt_sniffer');
const traffic = guest('pkt_traffic');
const sender = guest('pkt_send');

/** What the native sniffer printed, out and in for each packet (its "whole=1": the frame is the header and the whole IP packet). */
const pair = (what: string): string[] => ['outgoing', 'host'].map((t) => `${t} if=1 hatype=772 halen=6 whole=1 IP ${what}`);
const LINUX = [
  'sniffing on lo',
  ...pair('127.0.0.1:9002 > 127.0.0.1:9001 UDP payload=4'),
  ...pair('127.0.0.1:9001 > 127.0.0.1:9002 UDP payload=5'),
  ...pair('127.0.0.1:9003 > 127.0.0.1:9000 TCP SYN payload=0'),
  ...pair('127.0.0.1:9000 > 127.0.0.1:9003 TCP SYN ACK payload=0'),
  ...pair('127.0.0.1:9003 > 127.0.0.1:9000 TCP ACK payload=0'),
  ...pair('127.0.0.1:9003 > 127.0.0.1:9000 TCP PSH ACK payload=5'),
  ...pair('127.0.0.1:9000 > 127.0.0.1:9003 TCP ACK payload=0'),
  ...pair('127.0.0.1:9000 > 127.0.0.1:9003 TCP PSH ACK payload=5'),
  ...pair('127.0.0.1:9003 > 127.0.0.1:9000 TCP ACK payload=0'),
  ...pair('127.0.0.1:9003 > 127.0.0.1:9000 TCP FIN ACK payload=0'),
  // Linux then: the server's FIN ACK (its ACK of the client's FIN delayed into it) and the client's last ACK.
];
/** The end of the passive close as the virtual network's TCP sends it (stream.ts): the ACK of the FIN at once, then the FIN. */
const VIRTUAL_CLOSE = [...pair('127.0.0.1:9000 > 127.0.0.1:9003 TCP ACK payload=0'), ...pair('127.0.0.1:9000 > 127.0.0.1:9003 TCP FIN ACK payload=0'), '24 frames', ''];

const scenario = (snifferArgs: string[], extra: Record<string, unknown> = {}): Promise<RunOutcome> =>
  run({
    network: { hosts: [{ name: 'h', ipv4: ['10.0.0.1'] }] },
    processes: [
      { name: 'sniffer', host: 'h', module: sniffer, args: snifferArgs, ...extra },
      { name: 'traffic', host: 'h', module: traffic, startMs: 10 },
    ],
    timeoutMs: 60_000,
  } as never);
const out = (o: RunOutcome, name: string): string => o.processes.find((p) => p.name === name)!.stdout;

describe('AF_PACKET sniffer on the virtual network', () => {
  it('sees each lo packet twice, as Linux does, with the Ethernet header and sockaddr_ll', async () => {
    const o = await scenario([]);
    expect(out(o, 'traffic')).toBe('udp: 5\ntcp: 5\ntcp: eof 0\n');
    expect(out(o, 'sniffer').split('\n')).toEqual([...LINUX, ...VIRTUAL_CLOSE]);
  });

  it('gives SOCK_DGRAM the same packets without the link-layer header', async () => {
    const o = await scenario(['cooked']);
    expect(out(o, 'sniffer').split('\n')).toEqual([...LINUX, ...VIRTUAL_CLOSE]);
  });

  it('refuses a process without CAP_NET_RAW, and --net=real, with EPERM', async () => {
    const o = await scenario([], { raw: false });
    expect(out(o, 'sniffer')).toBe('socket: Operation not permitted\n');
    const r = await run({ net: 'real', processes: [{ name: 'sniffer', module: sniffer }], timeoutMs: 60_000 } as never);
    expect(r.processes[0]!.stdout).toBe('socket: Operation not permitted\n');
  });

  it('hands a SOCK_RAW IPv4 frame to the network: the host answers a hand-made echo request', async () => {
    // The sending socket does not see its own outgoing frame (skb_loop_sk), only its arrival on lo; then the
    // host's reply, out and in. (On this machine Linux did not answer the frame: IcmpInEchos did not move.)
    const o = await run({ processes: [{ name: 'tx', module: sender, args: ['ping'] }], timeoutMs: 60_000 } as never);
    expect(o.processes[0]!.stdout).toBe('sent 46\npkttype 0 len 46 icmp type 8 seq 1\npkttype 0 len 46 icmp type 0 seq 1\n');
  });

  it('carries an ARP broadcast to the packet sockets of the LAN only', async () => {
    const file = join(tempDir('socklab-packet-'), 'lan.yaml');
    writeFileSync(file, `
hosts:
  - { name: a, ipv4: [192.168.7.1/24] }
  - { name: b, ipv4: [192.168.7.2/24] }
  - { name: c, ipv4: [192.168.8.9] }
lans:
  - { name: lan0, hosts: [a, b], latency: 2ms }
processes:
  - { name: la, host: a, module: ${sender}, args: [listen] }
  - { name: lb, host: b, module: ${sender}, args: [listen] }
  - { name: lc, host: c, module: ${sender}, args: [listen] }
  - { name: tx, host: a, module: ${sender}, args: [arp], start: 1ms }
`);
    const o = await run({ ...(await loadScenario(file, {})).spec, timeoutMs: 60_000 });
    expect(out(o, 'tx')).toBe('arp sent 28\n');
    // b sees it as a broadcast on eth0 from a's MAC (02:00 and a's address); an ETH_P_ARP socket gets no
    // outgoing frames (dev_queue_xmit_nit serves ETH_P_ALL ones only), so a's sees nothing; c is off the LAN.
    expect(out(o, 'lb')).toBe('arp pkttype 1 if 2 len 42 dst ff:ff src 02:00:c0:a8:07:01 op 1 who-has 192.168.7.2\nlisten done\n');
    expect(out(o, 'la')).toBe('listen done\n');
    expect(out(o, 'lc')).toBe('listen done\n');
  });
});
