// Packet captures, read back with tshark: the TCP handshake and both
// directions of each conversation, UDP datagrams, ICMP echo, valid
// checksums, and no complaint from the dissectors.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runGuest, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { needs } from './tools.js';

const dir = mkdtempSync(join(tmpdir(), 'socklab-pcap-'));
const tshark = (...args: string[]): string => (needs('tshark'), execFileSync('tshark', ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const capture = async (example: string, file: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const { spec } = await loadScenario(join(ROOT, 'examples', example));
  const pcap = join(dir, file);
  await run({ ...spec, ...extra, output: 'discard', pcap: { file: pcap } });
  return pcap;
};

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

  it('is the same file for the same seed', async () => {
    const a = await capture('tcp-echo/demo.yaml', 'a.pcap');
    const b = await capture('tcp-echo/demo.yaml', 'b.pcap');
    expect(execFileSync('cmp', [a, b], { encoding: 'utf8' })).toBe('');
    rmSync(dir, { recursive: true, force: true });
  });
});
