// Packet captures, read back with tshark: the TCP handshake and both
// directions of each conversation, UDP datagrams, ICMP echo, valid
// checksums, and no complaint from the dissectors; loss seen as tcpdump
// would see it (retransmissions with Linux's RTOs, counted as the run
// counts them), per-host views and pcapng with one interface per host.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runGuest, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { needs } from './tools.js';
import type { RunOutcome } from '../dist/host/runner/run.js';
import { readPcap } from '../dist/host/report/pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'socklab-pcap-'));
const tshark = (...args: string[]): string => (needs('tshark'), execFileSync('tshark', ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const capture = async (example: string, file: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const { spec } = await loadScenario(join(ROOT, 'examples', example));
  const pcap = join(dir, file);
  await run({ ...spec, ...extra, output: 'discard', pcap: { file: pcap } });
  return pcap;
};

/** The demo (2 ms, 10% loss unless `loss` says otherwise) captured to `file`. */
const demo = async (file: string, o: { loss?: number; hosts?: string[]; format?: 'pcap' | 'pcapng' }): Promise<RunOutcome> => {
  const { spec } = await loadScenario(join(ROOT, 'examples', 'tcp-echo/demo.yaml'));
  const network = spec.network as { links: { loss?: number }[] };
  if (o.loss !== undefined) network.links[0]!.loss = o.loss;
  return run({ ...spec, output: 'discard', pcap: { file, ...(o.hosts ? { hosts: o.hosts } : {}), ...(o.format ? { format: o.format } : {}) } });
};
/** tshark's fields of the packets matching a display filter, one tab-separated line each. */
const fields = (file: string, filter: string, ...names: string[]): string[] =>
  tshark('-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', ...names.flatMap((n) => ['-e', n])).split('\n').filter((l) => l !== '');

describe('packet capture', () => {
  it('records the TCP conversations of the demo as tshark sees them', async () => {
    const pcap = await capture('tcp-echo/demo.yaml', 'demo.pcap');
    const lines = tshark('-r', pcap, '-Y', '!tcp.analysis.retransmission').trim().split('\n');
    expect(lines.filter((l) => /\[SYN\] Seq=0/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => /\[SYN, ACK\] Seq=0 Ack=1/.test(l))).toHaveLength(3);
    // Loss shows as retransmissions only: no unseen segments, bad checksums.
    expect(tshark('-r', pcap, '-Y', '(tcp.analysis.flags && !tcp.analysis.retransmission) || tcp.checksum.status == 2 || ip.checksum.status == 2')).toBe('');
    for (let stream = 0; stream < 3; stream++) {
      const follow = tshark('-r', pcap, '-q', '-z', `follow,tcp,ascii,${stream}`);
      expect(follow).toMatch(/Node 1: 10\.0\.0\.1:7000/);
      expect(follow.match(/hello from client \d/g)).toHaveLength(2); // the message and its echo
    }
  });

  it('records UDP datagrams as sent, including the ones the link then lost', async () => {
    const pcap = await capture('udp/lossy.yaml', 'udp.pcap');
    const udp = tshark('-r', pcap, '-Y', 'udp.dstport == 9000', '-T', 'fields', '-e', 'data.text', '-o', 'data.show_as_text:TRUE').trim().split('\n');
    expect(udp).toHaveLength(21); // 20 numbered datagrams and "end", whatever arrived
    expect(udp[0]).toBe('datagram 1');
    expect(tshark('-r', pcap, '-Y', 'udp.checksum.status == 2')).toBe('');
  });

  it('records ICMP echo requests and the replies of the virtual host', async () => {
    const pcap = await capture('ping/ping.yaml', 'ping.pcap');
    const out = tshark('-r', pcap);
    expect(out.match(/Echo \(ping\) request/g)).toHaveLength(3); // ping sends 3; the unprivileged copy cannot open a raw socket
    expect(out.match(/Echo \(ping\) reply .*\(request in \d+\)/g)).toHaveLength(3);
  });

  it('shows urgent data with URG and the urgent pointer, and SO_LINGER {1, 0} as a RST', async () => {
    const oob = join(dir, 'oob.pcap');
    await runGuest('diff_tcp_oob', [], { output: 'discard', pcap: { file: oob } });
    // send(MSG_OOB) of "XYZ", then of single bytes: URG set, the pointer just past the urgent byte (Linux's snd_up).
    const urg = tshark('-r', oob, '-Y', 'tcp.flags.urg == 1', '-T', 'fields', '-e', 'tcp.len', '-e', 'tcp.urgent_pointer', '-e', 'data.text', '-o', 'data.show_as_text:TRUE').trim().split('\n');
    expect(urg).toEqual(['3\t3\tXYZ', '1\t1\t1', '1\t1\t2', '1\t1\tQ']);
    expect(tshark('-r', oob, '-Y', 'tcp.flags.urg == 0 && tcp.urgent_pointer != 0')).toBe('');
    expect(tshark('-r', oob, '-Y', 'tcp.analysis.flags || tcp.checksum.status == 2')).toBe('');
    const linger = join(dir, 'linger.pcap');
    await runGuest('diff_tcp_linger', [], { output: 'discard', pcap: { file: linger } });
    // The client closing with {1, 0} (port 47042) sends a RST, and no FIN.
    const from = tshark('-r', linger, '-Y', 'tcp.srcport == 47042 && (tcp.flags.reset == 1 || tcp.flags.fin == 1)', '-T', 'fields', '-e', 'tcp.flags.reset', '-e', 'tcp.flags.fin').trim().split('\n');
    expect(from.map((l) => l.replace(/True/g, '1').replace(/False/g, '0'))).toEqual(['1\t0']);
  });

  it('shows every retransmission the run counts, with Linux timing, and no analysis flags on a clean link', async () => {
    for (const loss of [0.1, 0.3]) {
      const pcap = join(dir, `loss${loss}.pcap`);
      const o = await demo(pcap, { loss });
      const retx = fields(pcap, 'tcp.analysis.retransmission', 'tcp.stream', 'frame.time_epoch', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.len');
      expect(o.network!.retransmissions).toBeGreaterThan(0);
      expect(retx).toHaveLength(o.network!.retransmissions!);
      // Nothing unseen, no bad checksum: a loss only shows as what TCP does about it.
      expect(tshark('-r', pcap, '-Y', 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.checksum.status == 2 || ip.checksum.status == 2')).toBe('');
    }
    // Seed 1 at 10%: client3's SYN-ACK is lost. The client sends its SYN again 1 s after the first
    // (TCP_TIMEOUT_INIT), the server its SYN-ACK 1 s after its first; the server's FIN, lost too,
    // goes again srtt + 200 ms = 4 ms + 200 ms later (RFC 6298 with Linux's TCP_RTO_MIN).
    const pcap = join(dir, 'loss0.1.pcap');
    const syn = fields(pcap, 'tcp.port == 34872 && tcp.flags.syn == 1 && tcp.flags.ack == 0', 'frame.time_epoch').map(Number);
    const synack = fields(pcap, 'tcp.port == 34872 && tcp.flags.syn == 1 && tcp.flags.ack == 1', 'frame.time_epoch').map(Number);
    const fin = fields(pcap, 'tcp.srcport == 7000 && tcp.dstport == 34872 && tcp.flags.fin == 1', 'frame.time_epoch').map(Number);
    expect(syn).toHaveLength(2);
    expect(synack).toHaveLength(2);
    expect(fin).toHaveLength(2);
    expect(Math.round((syn[1]! - syn[0]!) * 1e6)).toBe(1_000_000);
    expect(Math.round((synack[1]! - synack[0]!) * 1e6)).toBe(1_000_000);
    expect(Math.round((fin[1]! - fin[0]!) * 1e6)).toBe(204_000);
    const clean = join(dir, 'clean.pcap');
    const c = await demo(clean, { loss: 0 });
    expect(c.network!.retransmissions).toBe(0);
    expect(tshark('-r', clean, '-Y', 'tcp.analysis.flags || tcp.checksum.status == 2 || ip.checksum.status == 2')).toBe('');
  });

  it('records what a --pcap-host host sends and receives, and not what the link lost on the way to it', async () => {
    const all = join(dir, 'all.pcap');
    const client = join(dir, 'client.pcap');
    await demo(all, {});
    await demo(client, { hosts: ['client'] });
    // What the client sends: the same segments at the same times as in the sender's-view capture.
    const sent = (f: string): string[] => fields(f, 'ip.src == 10.0.0.2', 'frame.time_epoch', 'tcp.srcport', 'tcp.seq_raw', 'tcp.flags');
    expect(sent(client)).toEqual(sent(all));
    // What the server sends reaches the client 2 ms later, except what the link lost: the first SYN-ACK
    // to client3, and the server's first FIN to it.
    const fromServer = fields(all, 'ip.src == 10.0.0.1', 'frame.time_epoch', 'tcp.dstport', 'tcp.flags');
    const received = fields(client, 'ip.src == 10.0.0.1', 'frame.time_epoch', 'tcp.dstport', 'tcp.flags');
    expect(received).toHaveLength(fromServer.length - 2);
    for (const r of received) {
      const [t, ...rest] = r.split('\t');
      const sentAt = (Number(t) * 1e9 - 2e6) / 1e9;
      expect(fromServer.some((x) => x.split('\t').slice(1).join('\t') === rest.join('\t') && Math.abs(Number(x.split('\t')[0]) - sentAt) < 1e-6)).toBe(true);
    }
    expect(fields(client, 'tcp.dstport == 34872 && tcp.flags.syn == 1 && tcp.flags.ack == 1', 'frame.time_epoch')).toHaveLength(1);
    // UDP: host b receives every datagram that was not lost, a duplicated one twice.
    const { spec } = await loadScenario(join(ROOT, 'examples', 'udp/lossy.yaml'));
    const b = join(dir, 'b.pcap');
    const o = await run({ ...spec, output: 'discard', pcap: { file: b, hosts: ['b'] } });
    const got = fields(b, 'udp.dstport == 9000', 'frame.number');
    expect(got).toHaveLength(21 - o.network!.drops! + o.network!.duplicates!);
  });

  it('writes pcapng with one interface per host: each packet where it leaves and where it arrives', async () => {
    const ng = join(dir, 'demo.pcapng');
    await demo(ng, { format: 'pcapng' });
    const ifaces = fields(ng, '', 'frame.interface_name');
    expect([...new Set(ifaces)].sort()).toEqual(['client', 'server']);
    // One host's view, extracted, is that host's --pcap-host capture.
    for (const host of ['client', 'server']) {
      const one = join(dir, `${host}.pcapng`);
      execFileSync('tshark', ['-r', ng, '-Y', `frame.interface_name == "${host}"`, '-w', one], { stdio: 'ignore' });
      const alone = join(dir, `${host}-alone.pcap`);
      await demo(alone, { hosts: [host] });
      const view = (f: string): string[] => fields(f, '', 'frame.time_epoch', 'ip.src', 'tcp.srcport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags');
      expect(view(one)).toEqual(view(alone));
    }
    // Each packet the client sends is on its interface once; on the server's as often as it arrived.
    const onClient = fields(ng, 'frame.interface_name == "client" && ip.src == 10.0.0.2', 'tcp.seq_raw');
    const sentAll = join(dir, 'sent-all.pcap');
    await demo(sentAll, {});
    expect(onClient).toEqual(fields(sentAll, 'ip.src == 10.0.0.2', 'tcp.seq_raw'));
    // A scenario's pcap: key chooses the format and hosts for --pcap FILE.
    const yaml = join(dir, 'demo-ng.yaml');
    writeFileSync(yaml, readFileSync(join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'), 'utf8').replace(/^processes:/m, 'pcap: { format: pcapng, hosts: [server] }\nprocesses:').replaceAll('module: echo_', `module: ${join(ROOT, 'examples', 'tcp-echo')}/echo_`));
    const { spec } = await loadScenario(yaml);
    const file = join(dir, 'scenario.pcapng');
    await run({ ...spec, output: 'discard', pcap: { file } });
    expect(readFileSync(file).readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect([...new Set(fields(file, '', 'frame.interface_name'))]).toEqual(['server']);
  });

  it('reads pcapng back for the report: one packet per send, with its arrival, or lost', async () => {
    for (const loss of [0, 0.3]) {
      const ng = join(dir, `report${loss}.pcapng`);
      const classic = join(dir, `report${loss}.pcap`);
      await demo(ng, { format: 'pcapng', loss });
      await demo(classic, { loss });
      const both = readPcap(readFileSync(ng));
      const sent = readPcap(readFileSync(classic));
      // The classic file records each packet once, when it leaves: the same packets, at the same times.
      const strip = ({ t, proto, src, dst, sport, dport, flags, seq, len }: (typeof both)[number]) => ({ t, proto, src, dst, sport, dport, flags, seq, len });
      expect(both.map(strip)).toEqual(sent.map(strip));
      expect(new Set(both.map((p) => p.iface))).toEqual(new Set(['client', 'server']));
      // tshark: every packet on the link is recorded on the sender's interface and, unless lost, on the receiver's.
      const frames = Number(tshark('-r', ng, '-T', 'fields', '-e', 'frame.number').trim().split('\n').length);
      const arrived = both.filter((p) => p.arrived !== undefined);
      expect(frames).toBe(both.length + arrived.length);
      for (const p of arrived) expect(p.arrived!).toBeGreaterThan(p.t);
      const lost = both.filter((p) => p.lost);
      expect(lost.length + arrived.length).toBe(both.length);
      if (loss === 0) expect(lost).toEqual([]);
      else expect(lost.length).toBeGreaterThan(0);
    }
  });

  it('is the same file for the same seed', async () => {
    const a = await capture('tcp-echo/demo.yaml', 'a.pcap');
    const b = await capture('tcp-echo/demo.yaml', 'b.pcap');
    expect(execFileSync('cmp', [a, b], { encoding: 'utf8' })).toBe('');
    const c = join(dir, 'c.pcapng');
    const d = join(dir, 'd.pcapng');
    await demo(c, { format: 'pcapng', loss: 0.3 });
    await demo(d, { format: 'pcapng', loss: 0.3 });
    expect(execFileSync('cmp', [c, d], { encoding: 'utf8' })).toBe('');
    rmSync(dir, { recursive: true, force: true });
  });
});
