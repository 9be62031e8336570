// Broadcast and multicast on the virtual network. On one host the behaviour
// is Linux's own, checked against a native gcc build (Beej's broadcaster
// reaches his listener; tests/c/net_broadcast.c and net_mcast_options.c run
// in differential.test.ts); across hosts there is no native reference, so
// these tests assert what Linux documents: a broadcast reaches every host of
// the segment, the sender's included, each receiver's copy lost or not by
// the seed; a group datagram reaches the hosts with a member (the sender's
// own with IP_MULTICAST_LOOP), and a socket that left the group hears
// nothing more. The pcap has one record per receiving host, and each
// host's IGMPv3 membership reports.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, tempDir } from './helpers.js';
import { loadScenario, ScenarioError } from '../dist/host/scenario/load.js';
import { needs } from './tools.js';

const tmp = tempDir('socklab-mcast-');
const beej = join(ROOT, 'tests', 'fixtures', 'beej');
const ex = join(ROOT, 'examples', 'multicast');
const T = 120_000;

async function scenario(name: string, yaml: string, seed?: number) {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml);
  const { spec } = await loadScenario(file, seed === undefined ? {} : { seed });
  return spec;
}
const out = (o: Awaited<ReturnType<typeof run>>, name: string): string => o.processes.find((p) => p.name === name)!.stdout;

describe('broadcast on one host, as Linux', () => {
  it("Beej's broadcaster reaches his listener (AF_INET6 on ::) with the limited and the subnet broadcast", async () => {
    needs('gcc');
    const bin = mkdtempSync(join(tmp, 'native-'));
    execFileSync('gcc', ['-O1', '-w', '-o', join(bin, 'listener'), join(beej, 'listener.c')]);
    execFileSync('gcc', ['-O1', '-w', '-o', join(bin, 'broadcaster'), join(beej, 'broadcaster.c')]);
    // The machine's own subnet broadcast, as the broadcaster would be given it.
    const brd = /brd (\d+\.\d+\.\d+\.\d+)/.exec(execFileSync('ip', ['-4', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' }))?.[1];
    const native = async (to: string): Promise<string> => {
      const l = spawn(join(bin, 'listener'), [], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      l.stdout.on('data', (d: Buffer) => (text += d.toString()));
      await new Promise((r) => setTimeout(r, 300));
      const sent = execFileSync(join(bin, 'broadcaster'), [to, 'hello, everyone'], { encoding: 'utf8' });
      const killer = setTimeout(() => l.kill(), 5000);
      await new Promise((r) => l.on('close', r));
      clearTimeout(killer);
      return sent + text;
    };
    for (const [to, virtualTo] of [['255.255.255.255', '255.255.255.255'], [brd, '10.0.0.255']] as const) {
      if (!to) continue;
      const spec = await scenario('beej', `processes:\n  - { name: listener, module: ${join(beej, 'listener.c')} }\n  - { name: broadcaster, module: ${join(beej, 'broadcaster.c')}, args: [${virtualTo}, "hello, everyone"], start: 1ms }\n`);
      const o = await run({ ...spec, timeoutMs: T });
      expect(o.status).toBe(0);
      const n = await native(to);
      const norm = (s: string, self: string, b: string): string => s.split(b).join('BRD').split(self).join('SELF').split('\n').sort().join('\n');
      const self = /from ::ffff:([\d.]+)/.exec(n)?.[1] ?? '?';
      expect(norm(out(o, 'listener') + out(o, 'broadcaster'), '10.0.0.1', virtualTo)).toBe(norm(n, self, to));
      expect(out(o, 'listener')).toContain('listener: got packet from ::ffff:10.0.0.1');
      expect(o.network?.['broadcasts']).toBe(1);
    }
  });
});

const LAN = (loss: number): string => `
hosts:
  - { name: a, ipv4: [192.168.7.1/24] }
  - { name: b, ipv4: [192.168.7.2/24] }
  - { name: c, ipv4: [192.168.7.3/24] }
  - { name: far, ipv4: [192.168.8.9] }
lans:
  - { name: lan0, hosts: [a, b, c], latency: 2ms, loss: ${loss} }
processes:
  - { name: ra, host: a, module: ${join(ex, 'receiver.c')}, args: [192.168.7.255, 6000] }
  - { name: rb, host: b, module: ${join(ex, 'receiver.c')}, args: [192.168.7.255, 6000] }
  - { name: rc, host: c, module: ${join(ex, 'receiver.c')}, args: [192.168.7.255, 6000] }
  - { name: rfar, host: far, module: ${join(ex, 'receiver.c')}, args: [192.168.7.255, 6000] }
  - { name: tx, host: a, module: ${join(ex, 'sender.c')}, args: [192.168.7.255, 6000, 40, 5], start: 1ms }
`;
const heard = (s: string): string[] => s.split('\n').filter((l) => l.startsWith('receiver: "')).map((l) => /"(.*)"/.exec(l)![1]!);

describe('broadcast across a LAN', () => {
  it('reaches every member, the sender\'s host at once and the others after the latency; a host off the LAN hears nothing', async () => {
    const o = await run({ ...(await scenario('lan', LAN(0))), timeoutMs: T });
    expect(o.status).toBe(0);
    for (const r of ['ra', 'rb', 'rc']) {
      expect(heard(out(o, r))).toHaveLength(40);
      expect(out(o, r)).toContain('"message 1" from 192.168.7.1');
    }
    expect(out(o, 'rfar')).toBe('receiver: 0 datagrams\n');
    expect(o.network).toMatchObject({ broadcasts: 120, groupDrops: 0 });
  });

  it('loses copies per receiver, the same ones for the same seed', async () => {
    const go = async (seed: number) => run({ ...(await scenario('lossy', LAN(0.3), seed)), timeoutMs: T });
    const [x, y, z] = [await go(11), await go(11), await go(12)];
    const got = (o: typeof x) => ['ra', 'rb', 'rc'].map((r) => heard(out(o, r)));
    // The sender's own host gets every copy (loopback); each LAN member loses its own.
    expect(got(x)[0]).toHaveLength(40);
    for (const i of [1, 2]) {
      expect(got(x)[i]!.length).toBeGreaterThan(15);
      expect(got(x)[i]!.length).toBeLessThan(40);
    }
    expect(got(x)[1]).not.toEqual(got(x)[2]);
    expect(got(y)).toEqual(got(x));
    expect(got(z)).not.toEqual(got(x));
    const lost = 80 - got(x)[1]!.length - got(x)[2]!.length;
    expect(x.network).toMatchObject({ broadcasts: 120 - lost, groupDrops: lost });
  });
});

describe('multicast across three hosts', () => {
  it('reaches every member host, the sender\'s with IP_MULTICAST_LOOP; one that leaves hears nothing more; off the LAN nothing', async () => {
    const { spec } = await loadScenario(join(ex, 'lan.yaml'));
    const o = await run({ ...spec, timeoutMs: T });
    expect(o.status).toBe(0);
    const five = ['message 1', 'message 2', 'message 3', 'message 4', 'message 5'];
    expect(heard(out(o, 'recv-alpha'))).toEqual(five);
    expect(heard(out(o, 'recv-bravo'))).toEqual(five);
    expect(heard(out(o, 'recv-charlie'))).toEqual(['message 1', 'message 2']);
    expect(out(o, 'recv-charlie')).toContain('receiver: left 239.1.1.1\n');
    expect(out(o, 'recv-delta')).toBe('receiver: 0 datagrams\n');
    expect(out(o, 'recv-bravo')).toContain('"message 1" from 10.1.0.1');
    // The /16 prefix makes 10.1.255.255 the subnet broadcast.
    expect(heard(out(o, 'bcast-bravo'))).toEqual(['message 1', 'message 2']);
    expect(o.network).toMatchObject({ multicasts: 12, broadcasts: 6 });
  });

  it('IP_MULTICAST_TTL 0 keeps a group datagram on the sender\'s host; no member, no delivery', async () => {
    const spec = await scenario('ttl0', `
hosts: [{ name: a }, { name: b }]
processes:
  - { name: ra, host: a, module: ${join(ex, 'receiver.c')}, args: [239.9.9.9, 7000] }
  - { name: rb, host: b, module: ${join(ex, 'receiver.c')}, args: [239.9.9.9, 7000] }
  - { name: local, host: a, module: ${join(ex, 'sender.c')}, args: [239.9.9.9, 7000, 2, 5, 0], start: 1ms }
  - { name: nobody, host: a, module: ${join(ex, 'sender.c')}, args: [239.9.9.10, 7000, 2, 5], start: 1ms }
`);
    const o = await run({ ...spec, timeoutMs: T });
    expect(o.status).toBe(0);
    expect(heard(out(o, 'ra'))).toEqual(['message 1', 'message 2']);
    expect(heard(out(o, 'rb'))).toEqual([]);
    expect(o.network).toMatchObject({ multicasts: 2 });
  });

  it('writes one pcap record per receiving host, with the group TTL', async () => {
    needs('tshark');
    const { spec } = await loadScenario(join(ex, 'lan.yaml'));
    const pcap = join(tmp, 'lan.pcap');
    await run({ ...spec, output: 'discard', pcap: { file: pcap } });
    const rows = execFileSync('tshark', ['-o', 'udp.check_checksum:TRUE', '-r', pcap, '-T', 'fields', '-e', 'ip.dst', '-e', 'ip.ttl', '-e', 'udp.checksum.status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    expect(rows.filter((r) => r.startsWith('239.1.1.1\t1\t1'))).toHaveLength(12); // 5 on alpha and bravo, 2 on charlie
    expect(rows.filter((r) => r.startsWith('10.1.255.255\t64\t1'))).toHaveLength(6); // 2 on each host of the LAN
    // And each host's IGMPv3 reports (tests/mcast-reports.test.ts has the details): every receiver's join twice and its
    // leave (IP_DROP_MEMBERSHIP on charlie, exit on the others) twice; charlie left before its join's repeat was due.
    expect(rows.filter((r) => /^224\.0\.0\.22\t1\b/.test(r))).toHaveLength(15);
    expect(rows).toHaveLength(33);
    const reports = execFileSync('tshark', ['-r', pcap, '-Y', 'igmp', '-T', 'fields', '-e', 'ip.src', '-e', 'igmp.record_type', '-e', 'igmp.maddr'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    const count = (src: string, type: number): number => reports.filter((r) => r === `${src}\t${type}\t239.1.1.1`).length;
    for (const src of ['10.1.0.1', '10.1.0.2', '10.2.0.4']) expect([count(src, 4), count(src, 3)]).toEqual([2, 2]);
    expect([count('10.1.0.3', 4), count('10.1.0.3', 3)]).toEqual([1, 2]);
  });
});

describe('scenario LANs', () => {
  it('rejects a host on two LANs and an unknown host', async () => {
    const bad = `hosts: [{ name: a }, { name: b }]\nlans:\n  - { name: x, hosts: [a, b] }\n  - { name: y, hosts: [a, nosuch] }\nprocesses:\n  - { module: ${join(ex, 'sender.c')}, args: [1.2.3.4, 1, 1] }\n`;
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, bad);
    const err = await loadScenario(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect(String(err)).toMatch(/host "a" is already on LAN "x"/);
    expect(String(err)).toMatch(/no host named "nosuch"/);
  });
});
