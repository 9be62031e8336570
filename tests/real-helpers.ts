// For the tests with real peers (--net=real, --publish): free ports, a run
// that signals when a guest prints a line, and running real programs.
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { run } from './helpers.js';
import { needs } from './tools.js';
import type { RunOptions, RunOutcome } from '../dist/host/api.js';

export const T = 60_000;

/** A free TCP (and, in practice, UDP) port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs the spec; `ready` resolves when some guest's stdout matches `line`, with the match. */
export function runUntil(spec: RunOptions, line: RegExp): { ready: Promise<RegExpMatchArray>; done: Promise<RunOutcome> } {
  let seen = '';
  let hit: (m: RegExpMatchArray) => void = () => {};
  const ready = new Promise<RegExpMatchArray>((r) => (hit = r));
  const done = run({
    timeoutMs: T,
    ...spec,
    onOutput: (_pid, fd, b) => {
      if (fd !== 1) return;
      seen += Buffer.from(b).toString();
      const m = seen.match(line);
      if (m) hit(m);
    },
  });
  return { ready: Promise.race([ready, done.then((o) => { throw new Error(`guest ended before printing ${line}: ${JSON.stringify(o.processes.map((p) => [p.stdout, p.stderr]))}`); })]), done };
}

export function exec(cmd: string, args: string[], input?: string): Promise<string> {
  needs(cmd);
  return new Promise((resolve, reject) => {
    const c = execFile(cmd, args, { timeout: T }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${err.message} ${stderr}`)) : resolve(stdout)));
    if (input !== undefined) c.stdin!.end(input);
  });
}

