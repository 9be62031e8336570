// The child process of limited.ts's runYowasp: loads @yowasp/clang (LLVM's
// WebAssembly, the costly part) once, then runs the jobs it is sent one at a
// time, each on its own file tree (@yowasp/clang builds a fresh virtual
// filesystem and instance per command, so nothing of one job reaches the
// next), and sends back the files, its output and its exit code. Killed by the
// parent at a job's time or memory limit; the parent starts another for the
// next job.
import { spawnSync } from 'node:child_process';
import type { YowaspJob, YowaspRun, FromYowaspChild } from './limited.js';

type Tree = { [name: string]: Tree | string | Uint8Array };
type Commands = Record<string, (a: string[] | null, t: Tree, o: object) => Promise<Tree | undefined>>;

/** Resident set once LLVM is loaded: what a child holds between jobs when a job's memory is given back. */
let loadedRss = 0;
const loaded: Promise<Commands> = (async () => {
  const { commands } = (await import('@yowasp/clang')) as unknown as { commands: Commands };
  // Fetches and compiles LLVM's modules and resources, quietly (it logs progress to stdout by default).
  await commands['wasm-ld']!(null, {}, { fetchProgress: () => {} });
  loadedRss = process.memoryUsage.rss();
  return commands;
})();
// A load failure is each job's answer, not an unhandled rejection.
loaded.catch(() => {});

// The owner is a thread of the grader: when it ends (a lane terminated at a submission's budget) its end of
// the channel need not close, so an idle child that hears nothing (the parent pings) for a while exits.
const IDLE_MS = 20_000;
let idle: NodeJS.Timeout | undefined;
const armIdle = (): void => {
  clearTimeout(idle);
  idle = setTimeout(() => process.exit(0), IDLE_MS);
};
armIdle();
process.on('disconnect', () => process.exit(0));

/** This process's CPU time, whole seconds rounded up (what RLIMIT_CPU counts). */
const cpuUsed = (): number => {
  const u = process.cpuUsage();
  return Math.ceil((u.user + u.system) / 1e6);
};

let queue = Promise.resolve();
process.on('message', (m: YowaspJob | { t: 'ping' }) => {
  armIdle();
  if ('t' in m) return;
  queue = queue.then(() => run(m));
});

async function run(m: YowaspJob): Promise<void> {
  clearTimeout(idle);
  let commands: Commands;
  try {
    commands = await loaded;
  } catch (e) {
    return reply({ stdout: '', stderr: '', error: `cannot load @yowasp/clang: ${(e as Error).message}` });
  }
  // The CPU backstop counts from this job (the soft limit; the hard one is unlimited, so it can move on).
  if (m.prlimit) spawnSync(m.prlimit, ['--pid', String(process.pid), `--cpu=${cpuUsed() + m.cpuSeconds}:unlimited`], { stdio: 'ignore' });
  process.send!({ t: 'start' } satisfies FromYowaspChild);
  const cmd = commands[m.command];
  if (!cmd) return reply({ stdout: '', stderr: '', error: `no command ${m.command}` });
  let stdout = '';
  let stderr = '';
  const dec = new TextDecoder();
  const opts = {
    fetchProgress: () => {},
    stdout: (b: Uint8Array | null) => { if (b) stdout += dec.decode(b); },
    stderr: (b: Uint8Array | null) => { if (b) stderr += dec.decode(b, { stream: true }); },
  };
  try {
    reply({ files: (await cmd(m.args, m.tree, opts)) ?? {}, stdout, stderr });
  } catch (e) {
    const code = (e as { code?: number }).code;
    reply(code !== undefined ? { code, stdout, stderr } : { stdout, stderr, error: String((e as Error).message) });
  }
}

function reply(run: YowaspRun): void {
  // A big job's wasm memory goes back now (not at some later collection), so the next job's resident set,
  // which the parent watches, starts low.
  if (process.memoryUsage.rss() > loadedRss + (64 << 20)) (globalThis as { gc?: () => void }).gc?.();
  process.send!({ t: 'done', run, rss: process.memoryUsage.rss() } satisfies FromYowaspChild);
  armIdle();
}
