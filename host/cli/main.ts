// socklab's command line: a thin layer over the API in host/api.ts.
import { parseArgs } from 'node:util';
import { basename, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { run, type RunOptions } from '../runner/run.js';
import { buildC, BuildError } from '../toolchain/clang.js';
import { ModuleError } from '../loader/module.js';
import type { MountSpec } from '../runner/spec.js';
import { parseDuration, parseSize } from './units.js';
import { demo } from './demo.js';

const USAGE = `socklab: run WebAssembly/WASI socket programs on a virtual network, and see every syscall

usage:
  socklab run MODULE.wasm [options] [-- ARGS...]   run a guest
  socklab build FILE.c [FILE.c...] -o OUT.wasm [clang flags]
                                                  compile C for socklab (wasm32-wasip1 + socklab SDK)
  socklab demo                                    build and run the demo
  socklab help                                    this text

run options:
  --env NAME=VALUE     set a variable in the guest's environment (repeatable);
                       the guest sees no other variable
  --dir HOST[:GUEST][:ro]
                       mount a host directory into the guest (repeatable)
  --seed N             seed for every random choice (default 1): same seed, same run
  --real-time          use the wall clock instead of the virtual clock
  --timeout DURATION   stop the run after this much wall-clock time (10, 2.5s, 500ms)
  --max-memory SIZE    cap each guest's linear memory (64M, 1G)
  --max-output SIZE    cap what each guest may write to stdout/stderr
  --max-fds N          open files per process (default 1024)

exit status: the guest's exit status; 128+N when it was killed by signal N
(SIGPIPE 141, a trap 134/139, --max-memory 137, --max-output 153);
124 when --timeout stopped it; 125 on a deadlock.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return await cmdRun(rest);
      case 'build':
        return await cmdBuild(rest);
      case 'demo':
        return await demo(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        process.stderr.write(`socklab: unknown command '${cmd}'\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof BuildError) return 1;
    process.stderr.write(`socklab: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof ModuleError || e instanceof UsageError ? 2 : 1;
  }
}

class UsageError extends Error {}

export function parseMount(s: string): MountSpec {
  const parts = s.split(':');
  let readonly = false;
  if (parts.length > 1 && (parts[parts.length - 1] === 'ro' || parts[parts.length - 1] === 'rw')) readonly = parts.pop() === 'ro';
  const [host, guest] = parts;
  if (!host) throw new UsageError(`--dir needs HOST[:GUEST][:ro], got ${JSON.stringify(s)}`);
  const abs = resolve(host);
  if (!existsSync(abs)) throw new UsageError(`--dir ${s}: no such host directory ${abs}`);
  const g = guest ?? abs;
  if (!g.startsWith('/')) throw new UsageError(`--dir ${s}: the guest path must be absolute`);
  return { host: abs, guest: g, readonly };
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      env: { type: 'string', multiple: true },
      dir: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'real-time': { type: 'boolean' },
      timeout: { type: 'string' },
      'max-memory': { type: 'string' },
      'max-output': { type: 'string' },
      'max-fds': { type: 'string' },
    },
  });
  const [module, ...guestArgs] = positionals;
  if (!module) throw new UsageError('run needs a module: socklab run MODULE.wasm [options] [-- ARGS]');
  for (const e of values.env ?? []) if (!/^[^=]+=/.test(e)) throw new UsageError(`--env needs NAME=VALUE, got ${JSON.stringify(e)}`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed needs a non-negative integer, got ${values.seed}`);
  const opts: RunOptions = {
    processes: [{ module: resolve(module), name: basename(module), args: guestArgs, env: values.env ?? [], stdin: 'inherit' }],
    seed,
    realTime: values['real-time'] ?? false,
    timeoutMs: values.timeout ? parseDuration(values.timeout) : undefined,
    maxMemory: values['max-memory'] ? parseSize(values['max-memory']) : undefined,
    maxOutput: values['max-output'] ? parseSize(values['max-output']) : undefined,
    maxFds: values['max-fds'] ? Number(values['max-fds']) : undefined,
    mounts: (values.dir ?? []).map(parseMount),
    tty: process.stdout.isTTY === true,
    output: 'inherit',
  };
  const o = await run(opts);
  for (const p of o.processes) if (p.exit.reason) process.stderr.write(`socklab: ${p.name} (pid ${p.pid}) ${p.exit.reason}\n`);
  if (o.limit) process.stderr.write(`socklab: ${o.limit}\n`);
  if (o.deadlock) process.stderr.write(`socklab: ${o.deadlock}\n`);
  return o.status;
}

async function cmdBuild(args: string[]): Promise<number> {
  const sources: string[] = [];
  const flags: string[] = [];
  let out: string | undefined;
  let sdk = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') out = args[++i];
    else if (a.startsWith('-o') && a.length > 2) out = a.slice(2);
    else if (a === '--no-sdk') sdk = false;
    else if (!a.startsWith('-') && /\.(c|s|S|o|a)$/.test(a)) sources.push(a);
    else {
      flags.push(a);
      if (['-I', '-D', '-U', '-include', '-isystem', '-L', '-l', '-x'].includes(a) && i + 1 < args.length) flags.push(args[++i]!);
    }
  }
  if (!sources.length) throw new UsageError('build needs at least one .c file: socklab build FILE.c -o OUT.wasm');
  out ??= sources[0]!.replace(/\.c$/, '') + '.wasm';
  await buildC({ sources, out, flags, sdk });
  return 0;
}
