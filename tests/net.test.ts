// Several processes on the virtual network: hosts, lossy links, TCP staying
// whole, UDP losing differently per seed, determinism, the one-line
// server+clients form, and the deadlock report.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { guest, run, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const ex = (...p: string[]): string => join(ROOT, 'examples', ...p);

describe('virtual network', () => {
  it('runs the TCP echo demo across two hosts and a lossy link, the same way for the same seed', async () => {
    const { spec } = await loadScenario(ex('tcp-echo', 'demo.yaml'));
    const a = await run({ ...spec, timeoutMs: 60_000 });
    const b = await run({ ...spec, timeoutMs: 60_000 });
    expect(a.status).toBe(0);
    const server = a.processes.find((p) => p.name === 'echo_server')!;
    expect(server.stdout).toMatch(/^listening on port 7000\n/);
    expect(server.stdout.match(/accepted \[::ffff:10\.0\.0\.2\]:\d+/g)).toHaveLength(3);
    expect(server.stdout).toMatch(/served 3 clients, bye\n$/);
    for (const i of [1, 2, 3]) expect(a.processes.find((p) => p.name === `client${i}`)!.stdout).toBe(`echoed: hello from client ${i}\n`);
    expect(b.processes.map((p) => p.stdout)).toEqual(a.processes.map((p) => p.stdout));
    expect(b.elapsedNs).toBe(a.elapsedNs);
  });

  it('keeps a TCP stream whole and in order over a link losing 30% of segments', async () => {
    const spec = {
      network: { hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }], links: [{ a: 's', b: 'c', latencyMs: 3, loss: 0.3 }] },
      processes: [
        { module: guest('scn_bigstream'), name: 'server', host: 's', args: ['server', '5000', '300000'] },
        { module: guest('scn_bigstream'), name: 'client', host: 'c', args: ['client', 's', '5000', '300000'], startMs: 1 },
      ],
      seed: 5,
    };
    const lossy = await run(spec);
    expect(lossy.processes[0]!.stdout).toBe('server: received 300000 of 300000 bytes, 0 wrong\n');
    expect(lossy.status).toBe(0);
    const clean = await run({ ...spec, network: { ...spec.network, links: [{ a: 's', b: 'c', latencyMs: 3, loss: 0 }] } });
    // Loss shows as delay: retransmissions make the lossy run take longer.
    expect(lossy.elapsedNs).toBeGreaterThan(clean.elapsedNs);
  });

  it('loses, duplicates and reorders UDP datagrams differently with another seed', async () => {
    const { spec } = await loadScenario(ex('udp', 'lossy.yaml'));
    const one = await run({ ...spec, seed: 1 });
    const again = await run({ ...spec, seed: 1 });
    const two = await run({ ...spec, seed: 2 });
    const listener = (o: typeof one): string => o.processes.find((p) => p.name === 'listener')!.stdout;
    expect(listener(again)).toBe(listener(one));
    expect(listener(two)).not.toBe(listener(one));
    for (const o of [one, two]) {
      const got = listener(o).split('\n').filter((l) => l.startsWith('datagram'));
      const distinct = new Set(got);
      expect(distinct.size).toBeLessThan(20); // some were lost
      expect(o.processes.find((p) => p.name === 'talker')!.stdout).toBe('talker: sent 20 datagrams\n');
    }
  });

  it('reports a deadlock naming the process and the call it waits in', async () => {
    const o = await run({ processes: [{ module: guest('scn_deadlock'), name: 'stuck' }] });
    expect(o.status).toBe(125);
    expect(o.deadlock).toMatch(/deadlock: every process is waiting and nothing can wake them\n\s+pid 1 \(stuck\) on host1 waits in read/);
    expect(o.stdout).toBe('waiting forever\n');
  });
});

describe('syscall trace', () => {
  it('is identical byte for byte for the same seed, and reads like strace', async () => {
    const { spec } = await loadScenario(ex('tcp-echo', 'demo.yaml'));
    const a = await run({ ...spec, output: 'discard', trace: {} });
    const b = await run({ ...spec, output: 'discard', trace: {} });
    expect(a.trace).toBeTruthy();
    expect(b.trace).toBe(a.trace);
    expect(a.trace).toMatch(/\[pid 1\] \d\.\d{6} listen\(3<TCPv6:\[\[::\]:7000\]>, 16\) = 0 <0\.000000>\n/);
    // A connect that waits while others run is split as strace -f splits it.
    expect(a.trace).toMatch(/\[pid (\d)\] [\d.]+ connect\(3<TCP:\[\d+\]>, \{sa_family=AF_INET, sin_port=htons\(7000\), sin_addr=inet_addr\("10\.0\.0\.1"\)\}, 16 <unfinished \.\.\.>\n/);
    expect(a.trace).toMatch(/\[pid \d\] [\d.]+ <\.\.\. connect resumed>\) +(?<=.{40})= 0 <0\.004001>\n/);
    expect(a.trace).toMatch(/\+\+\+ exited with 0 \+\+\+/);
  });

  it('writes JSON lines with the documented fields, and a strace -c summary', async () => {
    const { spec } = await loadScenario(ex('tcp-echo', 'demo.yaml'));
    const j = await run({ ...spec, output: 'discard', trace: { format: 'jsonl' } });
    const events = j.trace!.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const listen = events.find((e) => e.call === 'listen')!;
    expect(listen).toMatchObject({ v: 1, pid: 1, host: 'server', import: 'socklab.listen', args: ['3<TCPv6:[[::]:7000]>', '16'], ret: '0' });
    expect(events.filter((e) => e.exit)).toHaveLength(4);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const refused = await run({ processes: [{ module: guest('examples_tcp_lifecycle'), args: ['4'] }], output: 'discard', trace: { format: 'jsonl', classes: ['net'] } });
    expect(refused.trace).toMatch(/"call":"connect",[^\n]*"ret":"-1","errno":"ECONNREFUSED"/);
    const s = await run({ ...spec, output: 'discard', trace: { summary: true, classes: ['net'] } });
    expect(s.trace).toMatch(/% time +seconds +usecs\/call +calls +errors syscall\n/);
    expect(s.trace).toMatch(/ +3 +accept\n/);
    expect(s.trace).toMatch(/100\.00 .* total\n$/);
    // One table per process, then the whole run.
    expect(s.trace).toMatch(/pid 1:\n% time[\s\S]* 3 +accept\n[\s\S]*pid 2:\n[\s\S]*all processes:\n% time/);
    const hex = await run({ ...spec, output: 'discard', trace: { hex: 'all', pids: [1], classes: ['listen', 'writev'] } });
    expect(hex.trace).toMatch(/writev\(1<pipe:\[\d+\]>, \[\{iov_base="\\x6c\\x69\\x73\\x74/);
  });

  it('shows failed calls with the errno name and text', async () => {
    const o = await run({ processes: [{ module: guest('examples_tcp_lifecycle'), args: ['4'] }], output: 'discard', trace: { classes: ['net'] } });
    expect(o.trace).toMatch(/connect\(\d+<TCP:\[[^\]]*\]>, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) = -1 ECONNREFUSED \(Connection refused\)/);
    expect(o.trace).toMatch(/listen\(\d+<UDP:\[\d+\]>, 1\) = -1 EOPNOTSUPP \(Operation not supported\)/);
  });
});

describe('raw sockets', () => {
  it('pings another host: the virtual host answers ICMP echo; without the raw privilege socket() is EPERM', async () => {
    const o = await run({
      network: { hosts: [{ name: 'a', ipv4: ['10.0.0.1'] }, { name: 'b', ipv4: ['10.0.0.2'] }], links: [{ a: 'a', b: 'b', latencyMs: 7 }] },
      processes: [
        { module: guest('examples_ping'), name: 'ping', host: 'a', args: ['b', '2'] },
        { module: guest('examples_ping'), name: 'unprivileged', host: 'a', args: ['b', '1'], raw: false },
      ],
    });
    expect(o.processes[0]!.stdout).toBe(
      '36 bytes from 10.0.0.2: ip header 20 bytes, ttl 64, icmp type 0 code 0 id 0x1234 seq 1, checksum ok\n' +
        '36 bytes from 10.0.0.2: ip header 20 bytes, ttl 64, icmp type 0 code 0 id 0x1234 seq 2, checksum ok\n',
    );
    expect(o.processes[1]!.stdout).toBe('socket: Operation not permitted\n');
    expect(o.elapsedNs).toBeGreaterThanOrEqual(28e6); // two round trips of 2 x 7 ms
  });
});

describe('more scenarios', () => {
  it('serves AF_UNIX clients through a path; a client after the server left gets ENOENT', async () => {
    const { spec } = await loadScenario(ex('unix', 'unix.yaml'));
    const o = await run(spec);
    const out = (n: string): string => o.processes.find((p) => p.name === n)!.stdout;
    expect(out('server')).toBe('/tmp/upper.sock is a socket\ndone, /tmp/upper.sock removed\n');
    expect(out('client1')).toBe('reply: HELLO FROM CLIENT 1\n');
    expect(out('client2')).toBe('reply: HELLO FROM CLIENT 2\n');
    expect(o.processes.find((p) => p.name === 'late-client')!.stderr).toBe('connect: No such file or directory\n');
    expect(o.elapsedNs).toBeGreaterThanOrEqual(1e9);
  });

  it('holds TCP across a partition and delivers everything once it heals', async () => {
    const o = await run({
      network: {
        hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }],
        links: [{ a: 's', b: 'c', latencyMs: 1 }],
        partitions: [{ a: 's', b: 'c', fromMs: 0, toMs: 2500 }],
      },
      processes: [
        { module: guest('scn_bigstream'), name: 'server', host: 's', args: ['server', '5000', '100000'] },
        { module: guest('scn_bigstream'), name: 'client', host: 'c', args: ['client', 's', '5000', '100000'], startMs: 500 },
      ],
    });
    expect(o.processes[0]!.stdout).toBe('server: received 100000 of 100000 bytes, 0 wrong\n');
    expect(o.elapsedNs).toBeGreaterThan(2.5e9);
    expect(o.network!.retransmissions).toBeGreaterThan(0);
  });

  /** A client and a server on two hosts whose link goes away for good at fromMs (tests/c/scn_give_up.c). */
  const deadLink = (fromMs: number) => run({
    network: {
      hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }],
      links: [{ a: 's', b: 'c', latencyMs: 1 }],
      partitions: [{ a: 's', b: 'c', fromMs, toMs: 1e9 }],
    },
    processes: [
      { module: guest('scn_give_up'), name: 'server', host: 's', args: ['server', '5000'] },
      { module: guest('scn_give_up'), name: 'client', host: 'c', args: ['client', 's', '5000'], startMs: 100 },
    ],
  });

  it('drops a connection whose link never comes back: ETIMEDOUT after tcp_retries2\'s time, no RST, the peer unaware', async () => {
    const o = await deadLink(1000);
    expect(o.processes[0]!.stdout).toBe('server: first read: 1\nserver: poll for 2000 s: 0\n');
    // RTO 202 ms (1 ms each way + 200 ms) doubling to 120 s: 16 transmissions, and at the expiry after the
    // last, 926.6 s after the first, past tcp_model_timeout(15) = 924.6 s. Then tcp_done's socket: sk_err once, EOF, EPIPE.
    expect(o.processes[1]!.stdout).toBe([
      'client: send a: 1', 'client: send b: 1', 'client: poll: 1', 'client: revents 0x2019 after 926.6 s',
      'client: recv: -1 Connection timed out', 'client: recv again: 0', 'client: send c: -1 Broken pipe',
      'client: SO_ERROR 0', 'client: revents now 0x2015', '',
    ].join('\n'));
    // 15 retransmissions of "b"; the server's FIN at exit, sent by an orphan, is given up after 8 (tcp_orphan_retries).
    expect(o.network!.retransmissions).toBe(15 + 8);

    // The link goes between "b" (sent at 2.102007 s) and its ACK (2.103007 s): the server has it, the
    // client never hears so and gives up the same way; the server, closing with "b" unread, resets (lost too).
    const late = await deadLink(2102.5);
    expect(late.processes[0]!.stdout).toBe('server: first read: 1\nserver: poll for 2000 s: 1\n');
    expect(late.processes[1]!.stdout).toBe(o.processes[1]!.stdout);
    expect(late.network!.retransmissions).toBe(15);
  });
});

describe('links', () => {
  it('paces a TCP transfer by the link bandwidth', async () => {
    const spec = (bw: number): Parameters<typeof run>[0] => ({
      network: { hosts: [{ name: 's', ipv4: ['10.0.0.1'] }, { name: 'c', ipv4: ['10.0.0.2'] }], links: [{ a: 's', b: 'c', latencyMs: 1, bandwidthBps: bw }] },
      processes: [
        { module: guest('scn_bigstream'), name: 'server', host: 's', args: ['server', '5000', '250000'] },
        { module: guest('scn_bigstream'), name: 'client', host: 'c', args: ['client', 's', '5000', '250000'], startMs: 1 },
      ],
    });
    const slow = await run(spec(1e6));
    expect(slow.processes[0]!.stdout).toBe('server: received 250000 of 250000 bytes, 0 wrong\n');
    // 250 kB at 1 Mbit/s is 2 s of serialisation at least.
    expect(slow.elapsedNs).toBeGreaterThan(2e9);
    const fast = await run(spec(1e9));
    expect(fast.elapsedNs).toBeLessThan(0.1e9);
  });
});

describe('trace filters', () => {
  it('keeps only the calls, processes, hosts and fds asked for, and writes one file per process with --trace-ff', async () => {
    const { spec } = await loadScenario(ex('tcp-echo', 'demo.yaml'));
    const calls = await run({ ...spec, output: 'discard', trace: { classes: ['connect', 'accept4'] } });
    const names = new Set(calls.trace!.split('\n').filter((l) => l && !l.includes('+++')).map((l) => /\d ([a-z_0-9]+)\(|<\.\.\. ([a-z_0-9]+) resumed/.exec(l)!.slice(1).find(Boolean)));
    // accept4 selects accept too (the C SDK's accept() is accept).
    expect([...names].sort()).toEqual(['accept', 'connect']);
    const host = await run({ ...spec, output: 'discard', trace: { hosts: ['server'], classes: ['%net'] } });
    expect(host.trace).not.toMatch(/\[pid [234]\]/);
    expect(host.trace).toMatch(/\[pid 1\]/);
    const fd = await run({ ...spec, output: 'discard', trace: { pids: [1], fds: [4] } });
    expect(fd.trace!.split('\n').filter((l) => l && !l.includes('+++')).every((l) => /^\[pid 1\] [\d.]+ [a-z_0-9]+\(4[<,)]/.test(l) || l.includes('resumed>'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'socklab-ff-'));
    await run({ ...spec, output: 'discard', trace: { file: join(dir, 'run'), perProcess: true } });
    expect(readdirSync(dir).sort()).toEqual(['run.1', 'run.2', 'run.3', 'run.4']);
    // The SDK's start-up asks whether stdout is a terminal (fcntl F_GETFL) before main reads its arguments.
    expect(readFileSync(join(dir, 'run.2'), 'utf8')).toMatch(/^[\d.]+ fcntl\(1<pipe:\[\d+\]>, F_GETFL\) += 0x401 .*\n[\d.]+ args_sizes_get\(/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('faults at run time', () => {
  it('changes a link at a time and kills a process at a time, from the scenario', async () => {
    const { spec } = await loadScenario(ex('tcp-echo', 'crash.yaml'));
    const o = await run(spec);
    const p = (n: string) => o.processes.find((x) => x.name === n)!;
    expect(p('early').stdout).toBe('echoed: early\n');
    expect(p('slow').stdout).toBe('echoed: slow\n');
    expect(p('too-late').stderr).toMatch(/^connect: Connection refused\n/);
    expect(p('echo_server').exit).toMatchObject({ signal: 'SIGKILL', status: 137 });
    // After 1 s the link is slow: the second client's exchange takes several 300 ms trips.
    const t = await run({ ...spec, trace: { pids: [3], classes: ['connect'] }, output: 'discard' });
    expect(t.trace).toMatch(/connect\(.*\) = 0 <0\.60\d+>/);
  });

  it('refuses an event that names no process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-ev-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'events:\n  - at: 1s\n    kill: nobody\nprocesses:\n  - { module: x.wasm, name: somebody }\n');
    // The module is there (a missing one is said first, with its line): only the event is wrong.
    writeFileSync(join(dir, 'x.wasm'), '');
    await expect(loadScenario(f)).rejects.toThrow(/bad\.yaml:3: no process named "nobody"/);
    rmSync(dir, { recursive: true, force: true });
  });
});
