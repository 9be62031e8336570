// IGMPv3 and MLDv2 membership reports in the virtual network's capture, as
// Linux sends them (checked against a native capture on Linux 6.18 with
// HZ=250: force_igmp_version 0, igmp_qrv 2, unsolicited report interval
// 1 s): an interface reports a group when its first member joins
// (CHANGE_TO_EXCLUDE) and when its last one leaves (CHANGE_TO_INCLUDE), by
// IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP or by close; twice, the first 2
// jiffies after the change and the repeat a random 2..251 jiffies later;
// pending records of one interface share a report; 224.0.0.1, ff02::1 and
// interface-local groups are never reported. The pcap is decoded here byte
// by byte (every field and checksum) and once by tshark.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, run, tempDir } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { VIRTUAL_EPOCH_NS } from '../dist/host/kernel/clock.js';
import { needs } from './tools.js';

const tmp = tempDir('socklab-mcast-reports-');
const ex = join(ROOT, 'examples', 'multicast');
const MS = 1_000_000;

// Host a changes its memberships (tests/c/mcast_reports.c) and sends three datagrams to 239.1.2.3, 600 ms
// apart; host b's receiver joins that group at 0 and leaves it after the third (past its join's repeat).
const yaml = (seed: number): string => `
seed: ${seed}
hosts: [{ name: a }, { name: b }]
processes:
  - { name: reports, host: a, module: ${guest('mcast_reports')} }
  - { name: rx, host: b, module: ${join(ex, 'receiver.c')}, args: [239.1.2.3, 6000, 3] }
  - { name: tx, host: a, module: ${join(ex, 'sender.c')}, args: [239.1.2.3, 6000, 3, 600], start: 1ms }
`;

async function capture(seed: number, name: string, format?: 'pcapng'): Promise<{ file: string; out: Record<string, string> }> {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml(seed));
  const { spec } = await loadScenario(file);
  const pcap = join(tmp, `${name}.${format ?? 'pcap'}`);
  const o = await run({ ...spec, timeoutMs: 120_000, pcap: { file: pcap, ...(format ? { format } : {}) } });
  expect(o.status).toBe(0);
  return { file: pcap, out: Object.fromEntries(o.processes.map((p) => [p.name, p.stdout])) };
}

/** The records of a nanosecond pcap of raw IP: virtual time (ns since the virtual epoch) and bytes. */
function records(file: string): { t: number; p: Buffer }[] {
  const b = readFileSync(file);
  expect(b.readUInt32LE(0)).toBe(0xa1b23c4d);
  expect(b.readUInt32LE(20)).toBe(101);
  const out: { t: number; p: Buffer }[] = [];
  for (let o = 24; o < b.length; ) {
    const ns = BigInt(b.readUInt32LE(o)) * 1_000_000_000n + BigInt(b.readUInt32LE(o + 4)) - VIRTUAL_EPOCH_NS;
    const len = b.readUInt32LE(o + 8);
    expect(b.readUInt32LE(o + 12)).toBe(len);
    out.push({ t: Number(ns), p: b.subarray(o + 16, o + 16 + len) });
    o += 16 + len;
  }
  return out;
}

/** The Internet checksum's sum: 0xffff over a block that carries its own valid checksum. */
function sum16(...parts: Uint8Array[]): number {
  let s = 0;
  for (const b of parts) for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const v4 = (b: Uint8Array): string => Array.from(b).join('.');
function v6(b: Uint8Array): string {
  const w = Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16)).join(':');
  return w.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/^:::?/, '::');
}

interface Report {
  t: number;
  src: string;
  recs: string[];
}

/** A report, every field checked as Linux builds it; undefined for any other packet (the group datagrams). */
function decode(t: number, p: Buffer): Report | undefined {
  if (p[0]! >> 4 === 4) {
    if (p[9] !== 2) return undefined;
    expect([p[0], p[1], p.readUInt16BE(2), p.readUInt16BE(4), p.readUInt16BE(6), p[8]]).toEqual([0x46, 0xc0, p.length, 0, 0x4000, 1]);
    expect(v4(p.subarray(16, 20))).toBe('224.0.0.22');
    expect([...p.subarray(20, 24)]).toEqual([148, 4, 0, 0]); // router alert
    expect(sum16(p.subarray(0, 24))).toBe(0xffff);
    const m = p.subarray(24);
    expect([m[0], m[1], m.readUInt16BE(4)]).toEqual([0x22, 0, 0]);
    expect(sum16(m)).toBe(0xffff);
    const n = m.readUInt16BE(6);
    expect(m.length).toBe(8 + 8 * n);
    const recs = Array.from({ length: n }, (_, i) => {
      const r = m.subarray(8 + 8 * i);
      expect([r[1], r.readUInt16BE(2)]).toEqual([0, 0]);
      return `${r[0]}:${v4(r.subarray(4, 8))}`;
    });
    return { t, src: v4(p.subarray(12, 16)), recs };
  }
  expect(p[0]! >> 4).toBe(6);
  if (p[6] !== 0) return undefined;
  expect([p.readUInt32BE(0), p.readUInt16BE(4), p[7]]).toEqual([0x60000000, p.length - 40, 1]);
  expect(v6(p.subarray(24, 40))).toBe('ff02::16');
  expect([...p.subarray(40, 48)]).toEqual([58, 0, 5, 2, 0, 0, 1, 0]); // ICMPv6, router alert (MLD), PadN
  const m = p.subarray(48);
  expect([m[0], m[1], m.readUInt16BE(4)]).toEqual([143, 0, 0]);
  const pseudo = Buffer.alloc(40);
  p.copy(pseudo, 0, 8, 40);
  pseudo.writeUInt32BE(m.length, 32);
  pseudo[39] = 58;
  expect(sum16(pseudo, m)).toBe(0xffff);
  const n = m.readUInt16BE(6);
  expect(m.length).toBe(8 + 20 * n);
  const recs = Array.from({ length: n }, (_, i) => {
    const r = m.subarray(8 + 20 * i);
    expect([r[1], r.readUInt16BE(2)]).toEqual([0, 0]);
    return `${r[0]}:${v6(r.subarray(4, 20))}`;
  });
  return { t, src: v6(p.subarray(8, 24)), recs };
}

const reports = (file: string): Report[] => records(file).flatMap(({ t, p }) => decode(t, p) ?? []);

/** Each report stream (source and records) with the times it was sent at: the first 2 jiffies after the change, one repeat. */
function streams(rs: Report[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rs) {
    const k = `${r.src} ${r.recs.join(' ')}`;
    m.set(k, [...(m.get(k) ?? []), r.t]);
  }
  return m;
}

describe('IGMPv3 and MLDv2 membership reports in the pcap', () => {
  it('reports each first join and last leave twice, with the right records, fields and checksums', async () => {
    const { file, out } = await capture(3, 'reports');
    expect(out['reports']).toContain('join ff01::5 on 0: ok\n');
    expect(out['reports']).toContain('drop 239.1.2.3 on 0.0.0.0: ok\n');
    expect(out['rx']).toBe([1, 2, 3].map((i) => `receiver: "message ${i}" from 10.0.0.1\n`).join('') + 'receiver: left 239.1.2.3\nreceiver: 3 datagrams\n');
    const rs = reports(file);
    const s = streams(rs);
    // a: the two eth0 groups joined together share a report (newest first); lo reports from 0.0.0.0, MLD from ::
    // (no link-local address); the drop that leaves s2 a member reports nothing, s2's close does; exit leaves the rest.
    // b: its receiver's join, and its leave after the datagram of 1.2 s.
    expect([...s.keys()].sort()).toEqual([
      '0.0.0.0 3:239.1.2.4',
      '0.0.0.0 4:239.1.2.4',
      '10.0.0.1 3:239.1.2.3',
      '10.0.0.1 3:239.1.2.5',
      '10.0.0.1 4:239.1.2.5 4:239.1.2.3',
      '10.0.0.2 3:239.1.2.3',
      '10.0.0.2 4:239.1.2.3',
      ':: 3:ff05::1:3',
      ':: 4:ff05::1:3',
    ]);
    for (const [k, [first, repeat, ...more]] of s) {
      expect(more, k).toEqual([]);
      // The change happened within the first 4 ms tick of 0, 3 s or 6 s, or (b's leave) 1.201 s + the latency.
      expect(first! % (4 * MS), k).toBe(0);
      if (!k.startsWith('10.0.0.2 3:')) expect([8 * MS, 3008 * MS, 6008 * MS], k).toContain(first);
      expect(repeat! - first!, k).toBeGreaterThanOrEqual(8 * MS);
      expect(repeat! - first!, k).toBeLessThanOrEqual(1004 * MS);
      expect((repeat! - first!) % (4 * MS), k).toBe(0);
    }
    expect(s.get('10.0.0.1 4:239.1.2.5 4:239.1.2.3')![0]).toBe(8 * MS);
    expect(s.get('10.0.0.1 3:239.1.2.3')![0]).toBe(3008 * MS);
    expect(s.get('0.0.0.0 3:239.1.2.4')![0]).toBe(6008 * MS);
    expect(s.get('10.0.0.2 3:239.1.2.3')![0]).toBeGreaterThanOrEqual(1208 * MS);
    expect(s.get('10.0.0.2 3:239.1.2.3')![0]).toBeLessThanOrEqual(1220 * MS);
    // Never the all-hosts, all-nodes or an interface-local group.
    expect(rs.flatMap((r) => r.recs).filter((g) => /224\.0\.0\.1$|ff02::1$|ff01::/.test(g))).toEqual([]);
    // The capture stays in time order.
    const ts = records(file).map((r) => r.t);
    expect(ts).toEqual([...ts].sort((x, y) => x - y));
  });

  it('is byte-identical for a seed; another seed moves only the repeats', async () => {
    const [x, y, z] = [await capture(3, 'x'), await capture(3, 'y'), await capture(4, 'z')];
    expect(readFileSync(y.file).equals(readFileSync(x.file))).toBe(true);
    const [sx, sz] = [streams(reports(x.file)), streams(reports(z.file))];
    expect([...sz.keys()].sort()).toEqual([...sx.keys()].sort());
    for (const [k, t] of sx) expect(sz.get(k)![0], k).toBe(t[0]);
    expect([...sx].some(([k, t]) => sz.get(k)![1] !== t[1])).toBe(true);
    // The run itself is the same: the reports draw from their own generator and add no events.
    expect(z.out).toEqual(x.out);
  });

  it('decodes in tshark without a warning, and in pcapng on the reporting host\'s interface', async () => {
    needs('tshark');
    const { file } = await capture(3, 'ng', 'pcapng');
    const rows = execFileSync('tshark', ['-o', 'ip.check_checksum:TRUE', '-r', file, '-Y', 'igmp || icmpv6', '-T', 'fields', '-e', 'frame.interface_name', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'igmp.type', '-e', 'igmp.checksum.status', '-e', 'icmpv6.type', '-e', 'icmpv6.checksum.status', '-e', 'ip.opt.ra', '-e', 'ipv6.opt.router_alert', '-e', '_ws.expert.severity'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((r) => r !== '');
    expect(rows).toHaveLength(18);
    const igmp = rows.filter((r) => r.includes('\t0x22\t'));
    expect(igmp).toHaveLength(14);
    for (const r of igmp) expect(r).toMatch(/^(a\t(10\.0\.0\.1|0\.0\.0\.0)|b\t10\.0\.0\.2)\t\t0x22\t1\t\t\t0\t\t$/);
    for (const r of rows.filter((r) => !igmp.includes(r))) expect(r).toMatch(/^a\t\t::\t\t\t143\t1\t\t0\t$/);
  });
});
