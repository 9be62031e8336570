// Issue #14, items 2 and 3: the first thing a student types works.
// `socklab run prog.c` builds on demand; call names mean the same in
// --trace-only, --inject and grading checks; IPv4-only hosts have no IPv6
// address; /etc/hosts and getaddrinfo as on Debian; a WASI_SDK_PATH that
// points nowhere says so.
import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, ROOT, runCli, tempDir } from './helpers.js';

const tmp = tempDir('socklab-ux-');

function socklab(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmp): Promise<CliResult> {
  return runCli(args, { cwd, env });
}

describe('socklab run builds sources on demand', () => {
  it('runs a .c program with its arguments, and again from the cache', async () => {
    // Unique content, so this run really builds.
    const src = join(tmp, 'hello.c');
    writeFileSync(src, `${readFileSync(join(ROOT, 'examples', 'hello', 'hello.c'), 'utf8')}\n/* ${tmp} */\n`);
    const r = await socklab(['run', 'hello.c', '--', 'a', 'b']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello from hello.c with 2 argument(s)');
    expect(r.stdout).toContain('argv[2] = b');
    const again = await socklab(['run', src, '--', 'x']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('with 1 argument(s)');
  });

  it('runs a server and --client given as .c sources', async () => {
    const dir = join(ROOT, 'examples', 'tcp-echo');
    const r = await socklab(['run', join(dir, 'echo_server.c'), '--client', `${join(dir, 'echo_client.c')} localhost 7000 hi`, '--', '7000', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hi/);
  });

  it('runs an AssemblyScript .ts program', async () => {
    const r = await socklab(['run', join(ROOT, 'examples', 'as', 'hello', 'hello.ts')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('reports a compile error with status 1', async () => {
    writeFileSync(join(tmp, 'broken.c'), 'int main(void) { return nope; }\n');
    const r = await socklab(['run', 'broken.c']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope');
  });
});

describe('WASI_SDK_PATH', () => {
  it('pointing nowhere says what is wrong', async () => {
    writeFileSync(join(tmp, 'ok.c'), 'int main(void) { return 0; }\n');
    const r = await socklab(['build', 'ok.c', '-o', 'ok.wasm'], { WASI_SDK_PATH: join(tmp, 'no-such-sdk') });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('WASI_SDK_PATH');
    expect(r.stderr).toContain(join(tmp, 'no-such-sdk', 'bin', 'clang'));
    expect(r.stderr).toContain('does not exist');
  });
});

describe('call names: one table for --trace-only, --inject and grading checks', () => {
  const dir = join(ROOT, 'examples', 'tcp-echo');
  const server = join(dir, 'echo_server.c'); // built on demand (and cached)
  const client = join(dir, 'echo_client.c');

  it('--trace-only write shows the write lines (the client\'s write()) and the writev lines (stdio), recv,send the recvfrom/sendto lines', async () => {
    const r = await socklab(['run', server, '--client', `${client} localhost 7000 hi`, '--trace', '--trace-only', 'write,recv,send,accept', '--', '7000', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\] [0-9.]+ write\(\d+<TCP(?:v6)?:\[.*\]>, "hi", 2\) = 2/);
    expect(r.stderr).toMatch(/\] [0-9.]+ writev\(1</);
    expect(r.stderr).toMatch(/\] [0-9.]+ recvfrom\(/);
    expect(r.stderr).toMatch(/\] [0-9.]+ sendto\(/);
    expect(r.stderr).toMatch(/\] [0-9.]+ accept\(/);
    expect(r.stderr).not.toMatch(/\] [0-9.]+ (socket|connect|close)\(/);
    // The syscall names work too.
    const s = await socklab(['run', server, '--client', `${client} localhost 7000 hi`, '--trace', '--trace-only', 'writev,pselect6,%net', '--', '7000', '1']);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/\] [0-9.]+ writev\(/);
  });

  it.each([
    [['--trace', '--trace-only', 'bogus'], /--trace-only: unknown call "bogus"/],
    [['--trace', '--trace-only', 'conect'], /unknown call "conect" \(did you mean connect\?\)/],
    [['--trace', '--trace-only', '%nett'], /unknown call "%nett" \(did you mean %net\?\)/],
    [['--inject', 'bogus:error=EINTR'], /--inject: unknown call "bogus"/],
    [['--inject', 'recvfom:error=EINTR'], /did you mean recvfrom\?/],
  ])('refuses %j', async (args, msg) => {
    const r = await socklab(['run', server, ...args, '--', '7000', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('a grading sequence [socket, bind, recv, send] passes the model solution; a typo fails --check', async () => {
    const sub = join(tmp, 'names-sub');
    mkdirSync(sub, { recursive: true });
    copyFileSync(join(dir, 'echo_server.c'), join(sub, 'echo_server.c'));
    const spec = (seq: string): string => {
      const f = join(tmp, `names-${seq.replace(/\W/g, '')}.yaml`);
      writeFileSync(
        f,
        `assignment: names\nsubmission: { programs: { echo_server: { sources: [echo_server.c] } } }\n` +
          `reference: { echo_client: { sources: [${join(dir, 'echo_client.c')}] } }\n` +
          `tests:\n  - name: seq\n    points: 1\n    processes:\n      - { name: echo_server, program: echo_server, args: [7000, 1] }\n` +
          `      - { name: client, reference: echo_client, args: [localhost, 7000, hi], start: 1ms }\n` +
          `    checks:\n      - trace: { sequence: [${seq}] }\n      - { process: client, trace: { call: write, min: 1 } }\n      - { process: client, trace: { before: [connect, read] } }\n`,
      );
      return f;
    };
    const bad = await socklab(['grade', spec('socket, bind, recv, sendd'), '--check']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown call "sendd" (did you mean send?)');
    const good = spec('socket, bind, accept, recv, send');
    expect((await socklab(['grade', good, '--check'])).status).toBe(0);
    const out = join(tmp, 'names-out');
    const r = await socklab(['grade', good, '--submission', sub, '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { score: number; tests: { output: string }[] };
    expect(results.score, results.tests[0]!.output).toBe(1);
  });
});

describe('virtual hosts: addresses', () => {
  const showip = join(ROOT, 'wasm', 'tests', 'net_showip.wasm');
  it('a host declared with only IPv4 gets no IPv6 address (and one with only IPv6, no IPv4)', async () => {
    const file = join(tmp, 'v4only.yaml');
    writeFileSync(
      file,
      `hosts:\n  - { name: server, ipv4: [10.0.0.1] }\n  - { name: client, ipv4: [10.0.0.2] }\n  - { name: six, ipv6: ["fd00::6"] }\n  - { name: both }\n` +
        `processes:\n  - { module: ${showip}, host: client, args: [server] }\n  - { module: ${showip}, host: client, args: [six], start: 1ms }\n  - { module: ${showip}, host: client, args: [both], start: 2ms }\n`,
    );
    const r = await socklab(['run', file]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    const of = (n: number): string => out.filter((l) => l.startsWith(`[net_showip.wasm:${n}]`)).join('\n');
    expect(of(1)).toContain('IPv4: 10.0.0.1');
    expect(of(1)).not.toContain('IPv6');
    expect(of(2)).toContain('IPv6: fd00::6');
    expect(of(2)).not.toContain('IPv4');
    expect(of(3)).toMatch(/IPv4: 10\.0\.0\.4[\s\S]*IPv6: fd00::4/);
  });
});

describe('names resolve as on Debian: /etc/hosts and getaddrinfo', () => {
  const beej = join(ROOT, 'tests', 'fixtures', 'beej');
  it("Beej's talker (getaddrinfo(\"localhost\"), AF_INET6) reaches his listener on ::1", async () => {
    const file = join(tmp, 'beej.yaml');
    writeFileSync(
      file,
      `processes:\n  - { name: listener, module: ${join(beej, 'listener.c')} }\n  - { name: talker, module: ${join(beej, 'talker.c')}, args: [localhost, "hello, listener"], start: 1ms }\n`,
    );
    const r = await socklab(['run', file]);
    expect(r.stdout).toContain('talker: sent 15 bytes to localhost');
    expect(r.stdout).toContain('listener: got packet from ::1');
    expect(r.stdout).toContain('listener: packet contains "hello, listener"');
    expect(r.status, r.stderr).toBe(0);
  });

  it('each host has an /etc/hosts the guest reads and getaddrinfo follows; a scenario can set it', async () => {
    const file = join(tmp, 'etchosts.yaml');
    writeFileSync(
      file,
      `hosts:\n  - { name: server, ipv4: [10.0.0.1] }\n  - { name: client, ipv4: [10.0.0.2], ipv6: ["fd00::2"] }\n` +
        `  - name: custom\n    ipv4: [10.0.0.3]\n    etc_hosts: |\n      127.0.0.1 localhost\n      10.9.9.9 db db.example\n      10.0.0.1 server srv\n` +
        `processes:\n  - { name: plain, host: server, module: ${join(beej, 'cat_hosts.c')}, args: [localhost, client] }\n` +
        `  - { name: ac, host: server, module: ${join(beej, 'cat_hosts.c')}, args: [localhost, client], env: { AI: addrconfig }, start: 1ms }\n` +
        `  - { name: own, host: custom, module: ${join(beej, 'cat_hosts.c')}, args: [db.example, srv, client], start: 2ms }\n`,
    );
    const r = await socklab(['run', file]);
    expect(r.status, r.stderr).toBe(0);
    const of = (n: string): string => r.stdout.split('\n').filter((l) => l.startsWith(`[${n}:`)).map((l) => l.replace(/^\[[^\]]*\] /, '')).join('\n');
    const plain = of('plain');
    expect(plain).toMatch(/^127\.0\.0\.1\s+localhost$/m);
    expect(plain).toMatch(/^::1\s+localhost ip6-localhost ip6-loopback$/m);
    expect(plain).toMatch(/^10\.0\.0\.1\s+server$/m);
    expect(plain).toMatch(/^fd00::2\s+client$/m);
    // glibc's order: ::1 before 127.0.0.1; on an IPv4-only host, an IPv6 destination after the IPv4 ones.
    expect(plain).toContain('localhost -> ::1\nlocalhost -> 127.0.0.1\nclient -> 10.0.0.2\nclient -> fd00::2');
    // AI_ADDRCONFIG on an IPv4-only host: only IPv4.
    expect(of('ac')).toContain('localhost -> 127.0.0.1\nclient -> 10.0.0.2');
    expect(of('ac')).not.toContain('-> ::1');
    expect(of('ac')).not.toContain('-> fd00::2');
    const own = of('own');
    expect(own).toMatch(/^10\.9\.9\.9 db db\.example$/m);
    expect(own).toContain('db.example -> 10.9.9.9');
    expect(own).toContain('srv -> 10.0.0.1');
    expect(own).toContain('client -> 10.0.0.2'); // not in its file: the virtual network's names still answer
  });
});
