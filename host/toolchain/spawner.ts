// Starting native tools (clang under its limits, wasm-opt) through a small
// helper process (spawn-helper.ts) instead of from the grader's own process.
// libuv forks: a grader's process holds its threads' V8 heaps and the
// WebAssembly memories of its kernel workers (hundreds of MB resident,
// hundreds of GB reserved), and each fork of it cost 20-50 ms of kernel CPU
// in the parent, as much again in the child tearing the copy down at exec,
// and blocked the calling thread for 50-250 ms on a loaded machine: a
// submission's six compiler and wasm-opt runs paid more for their forks than
// for the tools. The main thread starts the helper once per process
// (startSpawnHelper: batch and queue grading do, before their threads) and
// names its socket in the environment the threads inherit; every thread then
// talks to it over its own connection. Without it (not started, or it could
// not start) a command is spawned here, as before. What the tools see
// (arguments, environment, working directory, process group, limits) is
// the same either way.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonLines } from './jsonlines.js';
import { isMainThread } from 'node:worker_threads';

/** The helper's socket, for the threads (a Worker copies its creator's environment). */
const ENV = 'SOCKLAB_SPAWN_HELPER';

export type ToSpawnHelper =
  | { t: 'run'; id: number; file: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv; detached: boolean; stdout: boolean; stderr: boolean }
  | { t: 'kill'; id: number };
export type FromSpawnHelper =
  | { t: 'data'; id: number; stream: 'out' | 'err'; data: string }
  | { t: 'error'; id: number; message: string; code?: string | undefined }
  | { t: 'close'; id: number; status: number | null; signal: NodeJS.Signals | null };

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Its own process group (kill() then reaches its children too). */
  detached?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** A command started: its output as it comes, its end, and a way to kill it. */
export interface Spawned {
  on(event: 'out' | 'err', f: (b: Buffer) => void): void;
  /** SIGKILL to it, or to its process group when detached. */
  kill(): void;
  /** Its exit as ChildProcess's 'close' gives it; rejects as its 'error' would (e.g. no such file). */
  readonly closed: Promise<Exit>;
}

interface Pending {
  out?: (b: Buffer) => void;
  err?: (b: Buffer) => void;
  close: (r: Exit) => void;
  fail: (e: Error) => void;
}

/** The helper's script: beside this module, or (this module bundled into dist/bundle/) in dist/host/toolchain. */
function helperScript(): string | undefined {
  for (const rel of ['./spawn-helper.js', '../host/toolchain/spawn-helper.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

let helper: ChildProcess | undefined;
let starting: Promise<void> | undefined;

/**
 * Starts this process's helper (main thread only, once) and resolves when it listens; threads created
 * after this use it. Never rejects: without a helper, commands are spawned by their thread.
 */
export function startSpawnHelper(): Promise<void> {
  if (!isMainThread || process.env[ENV]) return Promise.resolve();
  const script = helperScript();
  if (!script) return Promise.resolve();
  return (starting ??= new Promise<void>((done) => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-spawn-'));
    const socket = join(dir, 's');
    // No inspector or profiler flags of this process: the helper stays small.
    const h = fork(script, [socket], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    const fail = (): void => {
      rmSync(dir, { recursive: true, force: true });
      done();
    };
    h.once('error', fail);
    h.once('exit', () => {
      if (helper === h) delete process.env[ENV];
      helper = undefined;
      fail();
    });
    h.once('message', () => {
      helper = h;
      process.env[ENV] = socket;
      // It never keeps this process alive; its channel closing (this process's end) ends it.
      h.unref();
      (h.channel as { unref?: () => void } | undefined)?.unref?.();
      done();
    });
  }));
}

/** The helper's pid (main thread, once started): benchmarks count its CPU and its children's. */
export function spawnHelperPid(): number | undefined {
  return helper?.pid;
}

/** This thread's connection to the helper. */
let conn: Socket | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function connection(path: string): Socket {
  if (conn) return conn;
  const c = connect(path);
  conn = c;
  readJsonLines<FromSpawnHelper>(c, (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === 'data') (m.stream === 'out' ? p.out : p.err)?.(Buffer.from(m.data, 'base64'));
    else {
      pending.delete(m.id);
      if (!pending.size) c.unref();
      if (m.t === 'close') p.close({ status: m.status, signal: m.signal });
      else p.fail(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
    }
  });
  const gone = (why: string): void => {
    if (conn !== c) return;
    conn = undefined;
    const lost = [...pending.values()];
    pending.clear();
    for (const p of lost) p.fail(new Error(`the spawn helper ${why}`));
  };
  c.on('error', (e) => gone(`failed: ${e.message}`));
  c.on('close', () => gone('closed the connection'));
  return c;
}

/** Starts `file` with `args`: through the helper when this process has one, else here. */
export function spawnLight(file: string, args: readonly string[], opts: SpawnOptions = {}): Spawned {
  const path = process.env[ENV];
  if (!path) return spawnHere(file, args, opts);
  const id = nextId++;
  const handlers: Pending = { close: () => {}, fail: () => {} };
  const closed = new Promise<Exit>((close, fail) => {
    handlers.close = close;
    handlers.fail = fail;
  });
  const c = connection(path);
  pending.set(id, handlers);
  c.ref();
  const env = { ...(opts.env ?? process.env) };
  delete env[ENV];
  c.write(`${JSON.stringify({ t: 'run', id, file, args: [...args], cwd: opts.cwd ?? process.cwd(), env, detached: opts.detached ?? false, stdout: opts.stdout ?? false, stderr: opts.stderr ?? false } satisfies ToSpawnHelper)}\n`);
  return {
    on: (event, f) => {
      if (event === 'out') handlers.out = f;
      else handlers.err = f;
    },
    kill: () => {
      if (pending.has(id) && !c.destroyed) c.write(`${JSON.stringify({ t: 'kill', id } satisfies ToSpawnHelper)}\n`);
    },
    closed,
  };
}

/** The same, spawned by this thread. */
function spawnHere(file: string, args: readonly string[], opts: SpawnOptions): Spawned {
  const child = spawn(file, args, { ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}), detached: opts.detached ?? false, stdio: ['ignore', opts.stdout ? 'pipe' : 'ignore', opts.stderr ? 'pipe' : 'ignore'] });
  const closed = new Promise<Exit>((close, fail) => {
    child.on('error', fail);
    child.on('close', (status, signal) => close({ status, signal }));
  });
  return {
    on: (event, f) => void (event === 'out' ? child.stdout : child.stderr)?.on('data', f),
    kill: () => {
      try {
        if (opts.detached) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    },
    closed,
  };
}
