// The textbook programs (tests/c/tb*_*.c, see tests/textbook.test.ts) on the
// real network: each built natively with gcc and run on this machine, and run
// by `socklab run --net=real` with every address allowed; stdout, stderr and
// the exit status must be the same. Programs run a few at a time (each is a
// whole forking client/server exchange on loopback, ephemeral ports).
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { guest, nativeTmp, ROOT, runCli, tempDir } from './helpers.js';
import { needs } from './tools.js';

const dir = join(ROOT, 'tests', 'c');
const bin = tempDir('socklab-real-textbook-');

/** Programs left out, each with why (docs/real-network.md says what Node cannot do). */
const LEFT_OUT: Record<string, string> = {
  tb2_beej: "a client past the listener's backlog: the host kernel completes its handshake (Node accepts at once), so its connect() is done at once where Linux leaves it pending until accept() makes room (socklab holds it until then)",
  tb6_stopsrv: "shutdown(SHUT_RD) of a listener: Linux stops listening (the port refuses connections), Node's listener goes on until closed",
  tb3_oob: 'TCP urgent data: node:net cannot send or receive it (send(MSG_OOB) is EOPNOTSUPP)',
  tb9_heartbeat: 'TCP urgent data (UNP heartbeat): node:net cannot send or receive it',
  tb4_pktinfo: "IP_PKTINFO / IP_RECVTTL: Node's dgram reports neither a datagram's destination, interface nor TTL",
  tb5_shutearly: 'shutdown(SHUT_RD): Node cannot shut down reading on the host socket (no RST for later data)',
  tb5_udplimits: "an ICMP port-unreachable reaches a connected UDP socket after the host's send returned (Node reports it later)",
};

const all = readdirSync(dir).filter((f) => /^tb\d*_.*\.c$/.test(f)).sort().map((f) => f.replace(/\.c$/, ''));
const programs = all.filter((p) => !(p in LEFT_OUT));

/** At most `n` programs (native and socklab run) at once: this machine has 2 cores. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (f) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = limiter(3);

function native(exe: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = nativeTmp(bin);
  return new Promise((resolve, reject) => {
    const p = spawn(exe, [], { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout: run.asTmp(stdout), stderr: run.asTmp(stderr) }));
  });
}

describe('textbook programs on --net=real behave as on Linux', () => {
  it('every program is run or left out with a reason', () => {
    expect(programs.length).toBeGreaterThanOrEqual(60);
    for (const p of Object.keys(LEFT_OUT)) expect(all).toContain(p);
  });

  it.concurrent.each(programs)('%s', { timeout: 120_000 }, (name) =>
    slot(async () => {
      needs('gcc');
      const exe = join(bin, name);
      await promisify(execFile)('gcc', ['-w', '-O0', '-o', exe, join(dir, `${name}.c`)]);
      const n = await native(exe);
      const s = await runCli(['run', guest(name), '--net=real', '--allow-connect', '*:*', '--allow-listen', '*:*'], { cwd: bin });
      expect(n.stdout.split('\n').length).toBeGreaterThan(3);
      expect(s.stdout).toBe(n.stdout);
      expect(s.stderr).toBe(n.stderr);
      expect(s.status).toBe(n.status);
    }),
  );
});
