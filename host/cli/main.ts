// socklab's command line: a thin layer over the API in host/api.ts.
import { parseArgs } from 'node:util';
import { basename, resolve } from 'node:path';
import { run, type RunOptions } from '../runner/run.js';
import { buildC, BuildError } from '../toolchain/clang.js';
import { ModuleError } from '../loader/module.js';
import { parseCount, parseDuration, parseSize } from '../units.js';
import { demo } from './demo.js';
import { describeNetwork } from './report.js';
import { parseMount, MountError } from '../scenario/mount.js';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import type { ProcessSpec, PublishSpec, RunSpec } from '../runner/spec.js';
import { parsePolicy, PolicyError } from '../net/real/policy.js';
import { InjectError, parseInject } from '../trace/inject.js';

const USAGE = `socklab: run WebAssembly/WASI socket programs on a virtual network, and see every syscall

usage:
  socklab run MODULE.wasm [options] [-- ARGS...]   run a guest
  socklab run SCENARIO.yaml [options]              run the processes and network a scenario file
                                                  describes (docs/scenarios.md)
  socklab run SERVER.wasm --client "CLIENT.wasm ARGS..." [--clients N] [-- SERVER ARGS...]
                                                  a server and N clients on one virtual host
  socklab build FILE.c [FILE.c...] -o OUT.wasm [clang flags]
                                                  compile C for socklab (wasm32-wasip1 + socklab SDK)
  socklab build PROG.ts -o OUT.wasm               compile an AssemblyScript guest (guest/as)
  socklab grade SPEC --submission DIR | --submissions DIR...
                                                  grade submissions (docs/grading.md; socklab grade --help)
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
  --fuel N             count each guest's work (function entries + loop iterations,
                       the same on every machine; 500M, 2G) and kill it with SIGXCPU
                       past N; also preempts loops that make no syscall
  --max-virtual-time D stop the run once its virtual clock passes D (status 124)
  --trace[=FILE]       record every syscall as strace-style text, to FILE or stderr
                       (use --trace= for stderr)
  --trace-strsize N    longest string shown in the trace (default 32, like strace -s)
  --trace-only SET     only these calls and classes, like strace -e trace=:
                       connect,accept4,%net,%desc,%file,%process,%clock
  --trace-pid P,...    only these processes; --trace-host H,... only these hosts;
  --trace-fd N,...     only calls on these fds
  --trace-time MODE    elapsed (default: seconds since the start), absolute (time of
                       day, like strace -tt), relative (since the previous line, -r), none
  --trace-x, --trace-xx
                       strings with non-ASCII bytes (-x) or all bytes (-xx) in hex
  --trace-wall         JSONL: add the host's wall clock to each event (not reproducible)
  --trace-ff           with --trace=FILE: one file per process, FILE.PID (strace -ff)
  --trace-format FMT   text (strace's format, default) or jsonl (docs/trace-format.md)
  --inject RULE        fault injection, strace's syntax (repeatable):
                       SET:error=ERRNO|retval=N|delay_enter=T|delay_exit=T|max=N
                       [:when=FIRST[..LAST][+STEP]][:probability=P], e.g.
                       --inject=write:max=7  --inject=connect:error=ECONNREFUSED:when=1
  --pcap FILE          write the virtual network's packets (TCP, UDP, ICMP, raw) as pcap
  --pcap-host H,...    only the packets these hosts send
  --summary            a table of calls, errors and time per syscall at the end (strace -c)
  --net MODE           virtual (default) or real: AF_INET/AF_INET6 sockets (and AF_UNIX
                       stream sockets under a --dir) use the host's network through
                       Node, deny by default (docs/real-network.md); implies --real-time
  --allow-connect PAT  --net=real: connect/sendto may reach HOST:PORT (repeatable);
                       HOST an address, CIDR, localhost or *, PORT N, LOW-HIGH or *:
                       --allow-connect 127.0.0.1:8080 --allow-connect '[::1]:*'
  --allow-listen PAT   --net=real: bind/listen may use HOST:PORT (repeatable)
  --allow-dns          --net=real: getaddrinfo may ask the host's resolver
  --publish R:HOST:P   virtual network: real clients connecting to 127.0.0.1:R reach
                       the listener on virtual HOST port P (repeatable; R=0 picks a port)
  --client "M ARGS"    also start client module M with ARGS (repeatable), 1 virtual ms
                       after the server
  --clients N          start N copies of each --client (default 1); {i} in its
                       arguments becomes the copy's number

exit status: the guest's exit status; 128+N when it was killed by signal N
(SIGPIPE 141, a trap 134/139, --max-memory 137, --max-output 153, --fuel 152);
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
      case 'grade': {
        const { gradeCommand } = await import('../grade/command.js');
        return await gradeCommand(rest);
      }
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
    return e instanceof ModuleError || e instanceof UsageError || e instanceof MountError || e instanceof ScenarioError || e instanceof InjectError ? 2 : 1;
  }
}

class UsageError extends Error {}

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
      fuel: { type: 'string' },
      'max-virtual-time': { type: 'string' },
      client: { type: 'string', multiple: true },
      trace: { type: 'string' },
      'trace-strsize': { type: 'string' },
      'trace-only': { type: 'string' },
      'trace-format': { type: 'string' },
      summary: { type: 'boolean' },
      inject: { type: 'string', multiple: true },
      'trace-ff': { type: 'boolean' },
      pcap: { type: 'string' },
      'trace-time': { type: 'string' },
      'trace-wall': { type: 'boolean' },
      'trace-x': { type: 'boolean' },
      'trace-xx': { type: 'boolean' },
      'pcap-host': { type: 'string' },
      'trace-pid': { type: 'string' },
      'trace-host': { type: 'string' },
      'trace-fd': { type: 'string' },
      clients: { type: 'string' },
      net: { type: 'string' },
      'allow-connect': { type: 'string', multiple: true },
      'allow-listen': { type: 'string', multiple: true },
      'allow-dns': { type: 'boolean' },
      publish: { type: 'string', multiple: true },
    },
  });
  const [module, ...guestArgs] = positionals;
  if (!module) throw new UsageError('run needs a module: socklab run MODULE.wasm [options] [-- ARGS]');
  const seedGiven = values.seed !== undefined;
  for (const e of values.env ?? []) if (!/^[^=]+=/.test(e)) throw new UsageError(`--env needs NAME=VALUE, got ${JSON.stringify(e)}`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed needs a non-negative integer, got ${values.seed}`);
  let processes: ProcessSpec[] = [{ module: resolve(module), name: basename(module), args: guestArgs, env: values.env ?? [], stdin: 'inherit' }];
  let scenario: RunSpec | undefined;
  if (/\.(ya?ml|json)$/i.test(module)) {
    scenario = (await loadScenario(module, seedGiven ? { seed } : {})).spec;
    processes = scenario.processes;
  }
  const n = values.clients === undefined ? 1 : Number(values.clients);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--clients needs a positive integer, got ${values.clients}`);
  for (const c of values.client ?? []) {
    const [cm, ...cargs] = splitWords(c);
    if (!cm) throw new UsageError('--client needs "MODULE.wasm ARGS..."');
    for (let i = 1; i <= n; i++) {
      const name = n > 1 ? `${basename(cm)}#${i}` : basename(cm);
      processes.push({ module: resolve(cm), name, args: cargs.map((a) => a.replaceAll('{i}', String(i))), env: values.env ?? [], startMs: 1 });
    }
  }
  if (processes.length > 1 && !scenario) processes[0]!.stdin = undefined;
  for (const r of values.inject ?? []) parseInject(r); // refuse a bad rule before anything runs
  const fmt = values['trace-format'];
  if (fmt !== undefined && fmt !== 'text' && fmt !== 'jsonl') throw new UsageError(`--trace-format is text or jsonl, not ${JSON.stringify(fmt)}`);
  const tracing = values.trace !== undefined || fmt !== undefined || values.summary === true;
  const netMode = values.net ?? scenario?.net;
  if (netMode !== undefined && netMode !== 'virtual' && netMode !== 'real') throw new UsageError(`--net is virtual or real, not ${JSON.stringify(netMode)}`);
  const policy = {
    allowConnect: [...(scenario?.policy?.allowConnect ?? []), ...(values['allow-connect'] ?? [])],
    allowListen: [...(scenario?.policy?.allowListen ?? []), ...(values['allow-listen'] ?? [])],
    allowDns: values['allow-dns'] ?? scenario?.policy?.allowDns ?? false,
  };
  try {
    parsePolicy(policy); // refuse a bad pattern before anything runs
  } catch (e) {
    if (e instanceof PolicyError) throw new UsageError(`--allow-*: ${e.message}`);
    throw e;
  }
  if (netMode !== 'real' && (values['allow-connect'] || values['allow-listen'] || values['allow-dns'])) throw new UsageError('--allow-connect, --allow-listen and --allow-dns need --net=real');
  const publish = [...(scenario?.publish ?? []), ...(values.publish ?? []).map(parsePublish)];
  if (netMode === 'real' && publish.length) throw new UsageError('--publish is for the virtual network; with --net=real let the guest listen on a real port (--allow-listen)');
  const opts: RunOptions = {
    ...scenario,
    processes,
    seed: scenario && !seedGiven ? scenario.seed : seed,
    realTime: values['real-time'] ?? scenario?.realTime ?? false,
    timeoutMs: values.timeout ? parseDuration(values.timeout) : scenario?.timeoutMs,
    maxMemory: values['max-memory'] ? parseSize(values['max-memory']) : scenario?.maxMemory,
    maxOutput: values['max-output'] ? parseSize(values['max-output']) : scenario?.maxOutput,
    maxFds: values['max-fds'] ? Number(values['max-fds']) : scenario?.maxFds,
    fuel: values.fuel ? parseCount(values.fuel) : scenario?.fuel,
    maxVirtualMs: values['max-virtual-time'] ? parseDuration(values['max-virtual-time']) : scenario?.maxVirtualMs,
    net: netMode === 'real' ? 'real' : 'virtual',
    policy,
    ...(publish.length ? { publish } : {}),
    mounts: (values.dir ?? []).map((d) => parseMount(d)),
    tty: process.stdout.isTTY === true,
    output: 'inherit',
    ...(values.inject?.length ? { inject: values.inject } : {}),
    ...(values.pcap ? { pcap: { file: resolve(values.pcap), hosts: values['pcap-host']?.split(',') } } : {}),
    ...(tracing
      ? {
          trace: {
            file: values.trace === undefined || values.trace === '' || values.trace === '-' ? undefined : resolve(values.trace),
            strSize: values['trace-strsize'] ? Number(values['trace-strsize']) : undefined,
            classes: values['trace-only']?.split(','),
            format: fmt as 'text' | 'jsonl' | undefined,
            summary: values.summary,
            perProcess: values['trace-ff'],
            time: traceTime(values['trace-time']),
            wall: values['trace-wall'],
            hex: values['trace-xx'] ? 'all' : values['trace-x'] ? 'nonascii' : undefined,
            pids: values['trace-pid']?.split(',').map(Number),
            hosts: values['trace-host']?.split(','),
            fds: values['trace-fd']?.split(',').map(Number),
          },
        }
      : {}),
  };
  const o = await run(opts);
  for (const p of o.processes) if (p.exit.reason) process.stderr.write(`socklab: ${p.name} (pid ${p.pid}) ${p.exit.reason}\n`);
  if (o.limit) process.stderr.write(`socklab: ${o.limit}\n`);
  if (o.deadlock) process.stderr.write(`socklab: ${o.deadlock}\n`);
  if (o.processes.length > 1) process.stderr.write(`${describeNetwork(o, opts.net === 'real' ? 'real-network' : opts.realTime ? 'wall' : 'virtual')}\n`);
  return o.status;
}

/** REALPORT:HOST:PORT */
function parsePublish(v: string): PublishSpec {
  const m = /^(\d+):([^:]+):(\d+)$/.exec(v);
  if (!m || Number(m[1]) > 65535 || Number(m[3]) > 65535 || Number(m[3]) === 0) throw new UsageError(`--publish needs REALPORT:HOST:PORT (e.g. 8080:server:80), got ${JSON.stringify(v)}`);
  return { realPort: Number(m[1]), host: m[2]!, port: Number(m[3]) };
}

function traceTime(v: string | undefined): 'elapsed' | 'absolute' | 'relative' | 'none' | undefined {
  if (v === undefined) return undefined;
  if (v === 'elapsed' || v === 'absolute' || v === 'relative' || v === 'none') return v;
  throw new UsageError(`--trace-time is elapsed, absolute, relative or none, not ${JSON.stringify(v)}`);
}

/** Splits a command line on blanks, honouring '...' and "..." quotes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m; (m = re.exec(s)); ) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]!);
  return out;
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
  if (sources.length === 0 && args.some((a) => a.endsWith('.ts'))) {
    // An AssemblyScript program: one .ts file, built as asconfig.json says (docs/assemblyscript.md).
    const source = args.find((a) => a.endsWith('.ts'))!;
    const { buildAs } = await import('../toolchain/asc.js');
    try {
      await buildAs({ source, out: out ?? source.replace(/\.ts$/, '') + '.wasm', stderr: (s) => process.stderr.write(s) });
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  }
  if (!sources.length) throw new UsageError('build needs a .c file (or one AssemblyScript .ts file): socklab build FILE.c -o OUT.wasm');
  out ??= sources[0]!.replace(/\.c$/, '') + '.wasm';
  await buildC({ sources, out, flags, sdk });
  return 0;
}
