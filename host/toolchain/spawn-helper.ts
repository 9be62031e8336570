// The helper process of spawner.ts: starts the commands the threads of its
// parent process send over a unix socket, and streams back their output and
// exit. It stays small (Node and this file), so each fork() it makes is
// cheap; the grader's own process, with its threads' heaps and WebAssembly
// memories, takes tens of ms of kernel CPU per fork. A connection that closes
// (its thread terminated) has its commands killed; when the parent process
// goes, the IPC channel closes: it kills everything it started, removes its
// socket's directory and exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FromSpawnHelper, ToSpawnHelper } from './spawner.js';
import { readJsonLines } from './jsonlines.js';

const socketPath = process.argv[2]!;
const all = new Set<Map<number, Job>>();
interface Job {
  child: ChildProcess;
  group: boolean;
}

function kill(j: Job | undefined): void {
  if (!j) return;
  try {
    if (j.group) process.kill(-j.child.pid!, 'SIGKILL');
    else j.child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
}

function serve(conn: Socket): void {
  const live = new Map<number, Job>();
  all.add(live);
  const send = (m: FromSpawnHelper): void => {
    if (!conn.destroyed) conn.write(`${JSON.stringify(m)}\n`);
  };
  const run = (m: Extract<ToSpawnHelper, { t: 'run' }>): void => {
    const { id } = m;
    let child: ChildProcess;
    try {
      child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, detached: m.detached, stdio: ['ignore', m.stdout ? 'pipe' : 'ignore', m.stderr ? 'pipe' : 'ignore'] });
    } catch (e) {
      send({ t: 'error', id, message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
      return;
    }
    live.set(id, { child, group: m.detached });
    child.stdout?.on('data', (b: Buffer) => send({ t: 'data', id, stream: 'out', data: b.toString('base64') }));
    child.stderr?.on('data', (b: Buffer) => send({ t: 'data', id, stream: 'err', data: b.toString('base64') }));
    child.on('error', (e: NodeJS.ErrnoException) => {
      live.delete(id);
      send({ t: 'error', id, message: e.message, code: e.code });
    });
    child.on('close', (status, signal) => {
      live.delete(id);
      send({ t: 'close', id, status, signal });
    });
  };
  readJsonLines<ToSpawnHelper>(conn, (m) => {
    if (m.t === 'kill') kill(live.get(m.id));
    else run(m);
  });
  conn.on('error', () => {});
  conn.on('close', () => {
    for (const j of live.values()) kill(j);
    all.delete(live);
  });
}

const server = createServer(serve).listen(socketPath, () => process.send!({ t: 'ready' }));
process.on('disconnect', () => {
  for (const live of all) for (const j of live.values()) kill(j);
  server.close();
  rmSync(dirname(socketPath), { recursive: true, force: true });
  process.exit(0);
});
