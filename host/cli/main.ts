// socklab's command line: a thin layer over the API in host/api.ts.
//
// Parsed with commander (small, no dependencies of its own, help per
// subcommand, "did you mean" for a misspelled option or command). Every
// value is checked here, with the option's name in the message, before
// anything runs; usage errors exit with status 2.
import { Command, CommanderError, Option } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunOptions } from '../runner/run.js';
import type { BuildTarget, ToolchainChoice } from '../toolchain/clang.js';
import { ModuleError } from '../loader/cache.js';
import { formatDuration, formatSize, parseCount, parseDuration, parseSize, parseWhole, parseWholeList, UnitError } from '../units.js';
import { describeNetwork } from './report.js';
import { outputProblem } from './outfile.js';
import { parseMount, MountError } from '../scenario/mount.js';
import { fileKind, UserFileError } from '../fs/userfile.js';
import type { NetworkConfig } from '../scenario/load.js';
import type { ProcessSpec, PublishSpec, RunSpec } from '../scenario/spec.js';
import { nearest } from '../nearest.js';
// Everything else is imported where it is used: `socklab run cached.wasm`
// loads neither the toolchains, nor the scenario loader (yaml, ajv), nor the
// syscall table (the kernel loads it in its worker), nor another command's
// modules.

/** A bad command line: printed as `socklab CMD: message`, exit status 2. */
export class UsageError extends Error {}

const EXIT_STATUS = `
exit status: the guest's exit status; 128+N when it was killed by signal N
(SIGPIPE 141, a trap 134/139, --max-memory 137, --max-output 153, --fuel 152);
124 when --timeout or --max-virtual-time stopped it; 125 on a deadlock;
130 on Ctrl-C (the trace so far is kept); 2 for a bad command line, module,
scenario or --inject rule; 1 when socklab itself failed.

Units (docs/cli.md): a duration is 10 (seconds), 2.5s, 500ms, 500us, 1m, 1h;
a size is 4096 (bytes), 512K, 64M, 1G; a count is 1000, 500M, 2G.
`;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** What strace's flags are called here, for someone who types `socklab run -f -e trace=connect -o x.trace`. */
const STRACE_FLAGS: Record<string, string> = {
  '-e': "strace's -e trace=SET is --trace-only SET here, -e inject=... is --inject ...",
  '-o': "strace's -o FILE is --trace=FILE here",
  '-f': 'every process is traced already, as strace -f does: leave -f out',
  '-ff': "strace's -ff -o FILE is --trace-ff --trace=FILE here",
  '-c': "strace's -c is --summary-only here",
  '-C': "strace's -C is --summary here",
  '-s': "strace's -s N is --trace-strsize N here",
  '-tt': "strace's -tt is --trace-time absolute here",
  '-r': "strace's -r is --trace-time relative here",
  '-x': "strace's -x is --trace-x here",
  '-xx': "strace's -xx is --trace-xx here",
  '-Z': "strace's -Z is --trace-failed-only here",
  '-z': "strace's -z is --trace-successful-only here",
  '-y': 'fds are always shown with what they are, as strace -yy shows them (3<TCP:[10.0.0.2:34872->10.0.0.1:7000]>): leave -y out',
  '-yy': 'fds are always shown with what they are, as strace -yy shows them (3<TCP:[10.0.0.2:34872->10.0.0.1:7000]>): leave -yy out',
  '-T': 'the time spent in each call is always shown, as strace -T shows it (<0.000123>): leave -T out',
  '-p': 'socklab starts the guests itself, strace -p cannot attach to them: socklab run MODULE --trace; --trace-pid N keeps only process N',
};

/** The command line, as commander parses it. Each command's action sets `status`. */
function program(state: { status: number; rest: string[] }): Command {
  const prog = new Command('socklab')
    .description('run WebAssembly/WASI socket programs on a virtual network, and see every syscall')
    .usage('<command> [options]')
    .showSuggestionAfterError(true)
    .helpCommand('help [command]', 'help for a command')
    // Answered in main() before parsing, so that the package.json is read only when asked.
    .option('-V, --version', "print socklab's version")
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => {
        // `socklab prog.wasm`, as `wasmtime prog.wasm` runs it: say which command runs it.
        const m = /^error: unknown command '(.*\.(?:wasm|c|ts|ya?ml|json))'/.exec(str);
        // `socklab -v` (node -v, gcc -v): the version is -V, as commander's default.
        const v = /^error: unknown option '(-v|-version)'/.test(str) ? `socklab: unknown option '${/'([^']+)'/.exec(str)![1]}' (socklab --version, or -V, prints the version)\n` : undefined;
        write(m ? `socklab: unknown command '${m[1]}': to run it, socklab run ${m[1]}\n` : v ?? str.replace(/^error: /, 'socklab: '));
      },
    });
  const setup = (cmd: Command): Command =>
    cmd
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput({
        outputError: (str, write) => {
          let msg = str.replace(/^error: /, `socklab ${cmd.name()}: `);
          // commander's "option '--net <MODE>' argument 'rel' is invalid. Allowed choices are virtual, real." in socklab's form.
          const bad = /option '(--[\w-]+)[^']*' argument '([^']*)' is invalid\. Allowed choices are (.*)\.\s*$/.exec(msg);
          if (bad) msg = `socklab ${cmd.name()}: ${bad[1]}: expected ${bad[3]!.replace(/, ([^,]*)$/, ' or $1')}, got ${JSON.stringify(bad[2])}\n`;
          // `socklab run --trace prog.wasm`: --trace took the module as its FILE.
          const took = state.rest.indexOf('--trace');
          if (msg.includes("missing required argument 'module'") && took >= 0 && /\.(wasm|c|ts|ya?ml|json)$/i.test(state.rest[took + 1] ?? '')) {
            msg = `${msg.trimEnd()} (--trace took ${state.rest[took + 1]} as its FILE: write --trace= for stderr, --trace=FILE for a file, or put --trace after the module)\n`;
          } else if (msg.includes('missing required argument')) {
            // `socklab run` alone: say what goes there, not only its name.
            msg = `${msg.trimEnd()} (usage: socklab ${cmd.name()} ${cmd.usage()}; socklab ${cmd.name()} --help lists the options)\n`;
          }
          const flag = cmd.name() === 'run' && !msg.includes('Did you mean') ? /unknown option '([^']+)'/.exec(msg)?.[1] : undefined;
          // After the module (`socklab run prog.wasm -v`) it was meant for the guest; before it, maybe strace's.
          const at = flag ? state.rest.indexOf(flag) : -1;
          const forGuest = at > 0 && state.rest.slice(0, at).some((a) => /\.(wasm|c|ts|ya?ml|json)$/i.test(a));
          const hint = flag && (forGuest ? undefined : STRACE_FLAGS[flag.replace(/=.*/, '')]);
          write(flag ? `${msg.trimEnd()} (${hint ?? "the guest's own options go after --: socklab run MODULE [options] -- ARGS"})\n` : msg);
        },
      });

  setup(prog.command('run'))
    .summary('run a guest, a scenario file, or a server and N clients')
    .description(
      'Run a guest module, the processes and network a scenario file describes\n' +
        '(docs/scenarios.md), or a server and N clients on one virtual host:\n\n' +
        '  socklab run MODULE.wasm [options] [-- ARGS...]\n' +
        '  socklab run PROG.c [options] [-- ARGS...]      (built on demand, cached)\n' +
        '  socklab run SCENARIO.yaml [options]\n' +
        '  socklab run SERVER.wasm --client "CLIENT.wasm ARGS..." [--clients N]\n' +
        '              [-- SERVER ARGS...]',
    )
    .usage('MODULE.wasm|SCENARIO.yaml [options] [-- ARGS...]')
    .argument('<module>', 'a .wasm module, a C (.c) or AssemblyScript (.ts) program (built on demand, cached by content), or a scenario file (.yaml, .yml, .json)')
    .argument('[args...]', "the guest's arguments (after --)")
    .option('--env <NAME=VALUE>', "set a variable in the guest's environment (repeatable); the guest sees no other variable", collect)
    .option('--dir <HOST[:GUEST][:ro]>', 'mount a host directory into the guest (repeatable); a relative GUEST is also a WASI preopen of that name', collect)
    .option('--seed <N>', 'seed for every random choice, 0 to 4294967295 (default 1): same seed, same run')
    .option('--real-time', 'use the wall clock instead of the virtual clock')
    .option('--timeout <DURATION>', 'stop the run after this much wall-clock time (10, 2.5s, 500ms; status 124)')
    .option('--max-memory <SIZE>', "cap each guest's linear memory (64M, 1G)")
    .option('--max-total-memory <SIZE>', "cap the linear memory of all live guests together (default: half of this machine's memory)")
    .option('--max-output <SIZE>', 'cap what each guest may write to stdout/stderr (64K; past it, SIGXFSZ)')
    .option('--max-fds <N>', 'open files per process, 1 to 65536 (default 1024)')
    .option('--max-procs <N>', 'processes at once, forked ones and zombies included, 1 to 65536 (default 4096); past it fork fails with EAGAIN')
    .option('--max-fs <SIZE>', "bytes the run's in-memory files may hold (default 512M): then ENOSPC")
    .option('--fuel <COUNT>', "count each guest's work (function entries + loop iterations, the same on every machine; 500M, 2G) and kill it with SIGXCPU past it; also preempts loops that make no syscall")
    .option('--max-virtual-time <DURATION>', 'stop the run once its virtual clock passes this (500ms, 10s; status 124)')
    .option('--trace [FILE]', 'record every syscall as strace-style text, to FILE or stderr (--trace or --trace= for stderr)')
    .option('--trace-strsize <N>', 'longest string shown in the trace, 0 to 1048576 (default 32, like strace -s)')
    .option('--trace-only <SET>', 'only these calls and classes, like strace -e trace=: connect,accept4,%net,%desc,%file,%process,%clock')
    .option('--trace-pid <P,...>', 'only these processes')
    .option('--trace-host <H,...>', 'only these hosts')
    .option('--trace-fd <N,...>', 'only calls on these fds')
    .addOption(new Option('--trace-time <MODE>', 'elapsed (seconds since the start), absolute (time of day, strace -tt), relative (since the previous line, -r), none').choices(['elapsed', 'absolute', 'relative', 'none']))
    .option('--trace-x', 'strings with non-ASCII bytes in hex (strace -x)')
    .option('--trace-xx', 'strings with all bytes in hex (strace -xx)')
    .option('--trace-wall', "JSONL: add the host's wall clock to each event (not reproducible)")
    .option('--trace-ff', 'with --trace=FILE: one file per process, FILE.PID (strace -ff)')
    .addOption(new Option('--trace-format <FMT>', 'text (strace\'s format, default) or jsonl (docs/trace-format.md)').choices(['text', 'jsonl']))
    .option('--inject <RULE>', 'fault injection, strace\'s syntax (repeatable): SET:error=ERRNO|retval=N|delay_enter=T|delay_exit=T|max=N[:when=FIRST[..LAST][+STEP]][:probability=P], e.g. --inject=write:max=7 --inject=connect:error=ECONNREFUSED:when=1', collect)
    .option('--pcap <FILE>', "write the virtual network's packets (TCP, UDP, ICMP, raw) as pcap, each where it leaves its sender")
    .option('--report <FILE>', 'write a visual report of the run (one self-contained HTML file; docs/tracing.md)')
    .option('--report-max-calls <N>', 'the most calls the report holds (default 200000; past it the first and last calls, failed calls, connection ends and exits are kept)')
    .option('--pcap-host <H,...>', 'record what these hosts send and receive, as tcpdump on each would (lost packets are not received)')
    .addOption(new Option('--pcap-format <FMT>', 'pcap (default) or pcapng: one interface per host, each packet on the sender\'s when it leaves and the receiver\'s when it arrives').choices(['pcap', 'pcapng']))
    .option('--summary', 'the trace, then a table of calls, errors and time per syscall (strace -C)')
    .option('--summary-only', 'only the table of calls, errors and time per syscall, no trace lines (strace -c)')
    .option('--trace-failed-only', 'only calls that failed (strace -Z)')
    .option('--trace-successful-only', 'only calls that succeeded (strace -z)')
    .addOption(new Option('--net <MODE>', "virtual (default) or real: AF_INET/AF_INET6 sockets (and AF_UNIX stream sockets under a --dir) use the host's network through Node, deny by default (docs/real-network.md); implies --real-time").choices(['virtual', 'real']))
    .option('--allow-connect <HOST:PORT>', "--net=real: connect/sendto may reach HOST:PORT (repeatable); HOST an address, CIDR, localhost or *, PORT N, LOW-HIGH or *", collect)
    .option('--allow-listen <HOST:PORT>', '--net=real: bind/listen may use HOST:PORT (repeatable)', collect)
    .option('--allow-dns', "--net=real: getaddrinfo may ask the host's resolver")
    .option('--publish <R:HOST:P>', 'virtual network: real clients connecting to 127.0.0.1:R reach the listener on virtual HOST port P (repeatable; R=0 picks a port)', collect)
    .option('--client <"M ARGS">', 'also start client module (or .c/.ts program) M with ARGS (repeatable), 1 virtual ms after the server', collect)
    .option('--clients <N>', 'start N copies of each --client, 1 to 4096 (default 1); {i} in its arguments becomes the copy\'s number')
    .addHelpText('after', EXIT_STATUS)
    .action(async (module: string, args: string[], opts: RunFlags) => {
      state.status = await cmdRun(module, args, opts);
    });

  setup(prog.command('build'))
    .summary('compile C (or an AssemblyScript program) for socklab')
    .description(
      'Compile C for socklab (wasm32-wasip1 + the socklab SDK in guest/c), or one\n' +
        'AssemblyScript program (guest/as, asconfig.json):\n\n' +
        '  socklab build FILE.c [FILE.c...] -o OUT.wasm [clang flags]\n' +
        '  socklab build --target=component FILE.c -o OUT.component.wasm   (a WASI 0.2 component: docs/components.md)\n' +
        '  socklab build PROG.ts -o OUT.wasm',
    )
    .usage('FILE.c [FILE.c...] -o OUT.wasm [clang flags]')
    .argument('[sources-and-clang-flags...]', 'C sources (.c .s .S .o .a) or one .ts file, and clang flags')
    .option('-o <OUT.wasm>', 'the module to write (default: the first source, .wasm)')
    .option('--no-sdk', "plain wasi-libc, without socklab's socket headers and library")
    .addOption(new Option('--target <which>', 'wasip1 (default): a module on socklab\'s socket ABI; component: a WASI 0.2 command component over wasi:sockets').choices(['wasip1', 'component']))
    .addOption(new Option('--toolchain <which>', 'auto: a native wasm32 clang when there is one, else @yowasp/clang; native; npm (@yowasp/clang); names the one that ran when given').choices(['auto', 'native', 'npm']))
    // Any other flag is clang's (-O2 -Wall -I DIR -DNAME -Wl,-z,stack-size=N ...): commander passes it through, in order.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      `
Other flags go to clang as they are: -O2 -g -Wall -I DIR -D NAME=V
-Wl,-z,stack-size=N ... (C guests get a 1 MiB stack unless -z stack-size says).

exit status: 0 when it built, 1 when the compiler failed, 2 for a bad command line.
`,
    )
    .action(async (args: string[], opts: { o?: string; sdk?: boolean; toolchain?: ToolchainChoice; target?: BuildTarget }) => {
      state.status = await cmdBuild([...args, ...(opts.o !== undefined ? ['-o', opts.o] : []), ...(opts.sdk === false ? ['--no-sdk'] : [])], opts.toolchain, opts.target);
    });

  setup(prog.command('grade'))
    .summary('grade submissions (docs/grading.md)')
    .description(
      'Grade submissions against a spec (docs/grading.md): how to build them, the\n' +
        'tests, their points, visibility, limits and checks. Results are written as\n' +
        'tests finish:\n\n' +
        '  OUT/results.json        Gradescope\'s autograder format\n' +
        '  OUT/prairielearn.json   PrairieLearn\'s external grading format\n' +
        '  OUT/junit.xml           JUnit XML\n' +
        '  OUT/replay/*.yaml       each test\'s scenario (socklab run FILE --seed N)\n' +
        '  OUT/build/*.wasm        the programs that ran\n' +
        'In batch mode each submission gets OUT/NAME/ and OUT/scores.csv has every\n' +
        'score.\n\n' +
        '  socklab grade SPEC.yaml --submission DIR [options]     grade one submission\n' +
        '  socklab grade SPEC.yaml --submissions DIR [DIR...] [options]\n' +
        '                                                         grade many, in parallel\n' +
        '  socklab grade SPEC.yaml --check                        only validate the spec',
    )
    .usage('SPEC.yaml --submission DIR | --submissions DIR... [options]')
    .argument('<spec>', 'the grading spec (YAML or JSON)')
    .argument('[dirs...]', 'more submissions, with --submissions')
    .option('--submission <DIR>', 'grade this submission')
    .option('--submissions <DIR...>', 'grade these submissions, in parallel (DIR/* works)')
    .option('--check', 'only validate the spec')
    .option('--out <DIR>', 'where results go (default: grading-results)')
    .option('--format <LIST>', 'gradescope,prairielearn,junit (default: all three)')
    .option('--gradescope <FILE>', "Gradescope's results.json here instead (e.g. /autograder/results/results.json)")
    .option('--prairielearn <FILE>', "PrairieLearn's results here instead (e.g. /grade/results/results.json)")
    .option('--junit <FILE>', 'the JUnit XML here instead')
    .option('--show-hidden', 'the terminal, PrairieLearn and JUnit outputs show hidden and after-due-date tests too (for instructors; Gradescope hides them itself)')
    .option('--reveal <LIST>', 'show only these besides visible tests: hidden,after_due_date,after_published')
    .option('--seed <N>', "run every test with seed N instead of the spec's seeds (repeatable)", collect)
    .option('--only <TEXT>', 'only the tests whose name contains TEXT (repeatable)', collect)
    .option('--jobs <N>', 'batch mode: submissions graded at once (default: one per core)')
    .option('--queue <URL>', 'batch mode through a queue (redis://HOST:PORT[/DB]) graded by socklab worker')
    .option('--quiet', 'print only the score line (--submission), nothing in batch mode')
    .addHelpText('after', '\nexit status: 0 when grading finished, whatever the scores; 1 when socklab failed;\n2 for a bad spec or bad options.\n')
    .action(async () => {
      // The grader reads its own options (host/grade/command.ts); commander has checked their names.
      const { gradeCommand } = await import('../grade/command.js');
      state.status = await gradeCommand(state.rest);
    });

  setup(prog.command('worker'))
    .summary('grade the jobs of socklab grade --queue (docs/grading.md)')
    .requiredOption('--queue <URL>', 'the Redis the submitter uses: redis://HOST:PORT[/DB]')
    .option('--concurrency <N>', 'jobs graded at once (default: one per core)')
    .option('--lock-ms <N>', "a dead worker's job is handed on after about this long (default: 30000)")
    .action(async () => {
      const { workerCommand } = await import('../grade/command.js');
      state.status = await workerCommand(state.rest);
    });

  setup(prog.command('demo'))
    .summary('build and run the demo')
    .description(
      'Build and run the flagship scenario (examples/tcp-echo/demo.yaml): a poll()\n' +
        'echo server and three clients across a lossy virtual link; shows their output,\n' +
        'their socket calls and what crossed the network.',
    )
    .option('--seed <N>', 'seed for the run (default: the scenario\'s)')
    .action(async (opts: { seed?: string }) => {
      const seed = opts.seed === undefined ? undefined : value('seed', opts.seed, (s) => parseWhole(s, 0, 0xffff_ffff));
      const { demo } = await import('./demo.js');
      state.status = await demo(seed);
    });

  setup(prog.command('diff'))
    .summary('where two traces first differ')
    .description(
      'Align two traces (text or JSONL, e.g. two seeds, or a student\'s run and the\n' +
        'model solution\'s), normalise what legitimately differs (pids, ephemeral\n' +
        'ports, pointers, socket inodes, times, <unfinished ...>/<... resumed>), and\n' +
        'print the first divergence with a few calls of context, then a summary.',
    )
    .argument('<A>', 'a trace file')
    .argument('<B>', 'the other trace file')
    .option('--context <N>', 'calls of context before the first difference (default 3)')
    .option('--calls <LIST>', 'compare only these calls (strace names, comma-separated)')
    .addHelpText('after', '\nexit status: 0 when the traces do the same calls, 1 when they differ, 2 for an error.\n')
    .action(async (a: string, b: string, opts: { context?: string; calls?: string }) => {
      const context = opts.context === undefined ? undefined : value('context', opts.context, (s) => parseWhole(s, 0, 1000));
      const { cmdDiff } = await import('./diff.js');
      state.status = cmdDiff(a, b, { ...(context !== undefined ? { context } : {}), ...(opts.calls ? { calls: opts.calls.split(',').filter(Boolean) } : {}) });
    });

  setup(prog.command('view'))
    .summary('turn a JSONL trace (and a pcap) into a visual report')
    .description(
      'Write one self-contained HTML file (no network needed to open it): hosts and\n' +
        'processes as lifelines, connections, stream data and datagrams as arrows\n' +
        '(lost ones marked), packets from a pcap with retransmissions marked, every\n' +
        'call as a mark (errors in red, blocked time as a bar); hover or click a call\n' +
        'for its strace line and JSONL fields; zoom and pan; filters by host, process,\n' +
        'fd and call class.',
    )
    .argument('<TRACE.jsonl>', 'a trace recorded with --trace-format jsonl --trace=FILE')
    .option('-o <REPORT.html>', 'the report to write')
    .option('--pcap <FILE>', 'the run\'s packet capture (--pcap), drawn between the hosts')
    .option('--title <TEXT>', 'the page title (default: the trace\'s file name)')
    .option('--report-max-calls <N>', 'the most calls the report holds (default 200000; docs/tracing.md)')
    .action(async (trace: string, opts: { o?: string; pcap?: string; title?: string; reportMaxCalls?: string }) => {
      const maxCalls = opts.reportMaxCalls === undefined ? undefined : value('report-max-calls', opts.reportMaxCalls, (s) => parseWhole(s, 1, 100_000_000));
      const { cmdView } = await import('./view.js');
      state.status = cmdView(trace, { ...(opts.o ? { out: opts.o } : {}), ...(opts.pcap ? { pcap: opts.pcap } : {}), ...(opts.title ? { title: opts.title } : {}), ...(maxCalls ? { maxCalls } : {}) });
    });

  prog.addHelpText('after', `\nsocklab COMMAND --help shows a command's options. Docs: docs/cli.md.\n`);
  return prog;
}

/** socklab's version, from the package.json above this file (in dist/ or a bundle alike). */
function version(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'socklab' && pkg.version) return pkg.version;
    } catch {
      // not here: look one directory up
    }
    if (dirname(d) === d) return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  const state = { status: 0, rest: argv.slice(1) };
  const prog = program(state);
  if (argv.length === 0) {
    process.stdout.write(prog.helpInformation());
    return 2;
  }
  let cmd = argv[0] ?? '';
  // commander prints the whole help for `help NOSUCH`, without saying that NOSUCH is no command.
  // `socklab help help`, `socklab help --help`: the list of commands, as `socklab --help`.
  if (cmd === 'help' && (argv[1] === 'help' || argv[1] === '--help' || argv[1] === '-h')) {
    process.stdout.write(prog.helpInformation());
    return 0;
  }
  // `socklab strace prog.wasm`, as one would type strace: the trace is an option of run.
  if (cmd === 'strace') {
    process.stderr.write(`socklab: unknown command 'strace': socklab run MODULE --trace traces every syscall (docs/tracing.md)\n`);
    return 2;
  }
  if (cmd === 'help' && argv[1] !== undefined && !prog.commands.some((c) => c.name() === argv[1])) {
    const near = nearest(argv[1]!, prog.commands.map((c) => c.name()));
    process.stderr.write(`socklab: unknown command '${argv[1]}'${near ? ` (Did you mean ${near}?)` : ''}; socklab --help lists the commands\n`);
    return 2;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`socklab ${version()}\n`);
    return 0;
  }
  // `socklab --help | head`, `socklab diff A B | head`: a reader that goes away ends the command quietly, as
  // SIGPIPE ends a C tool (status 141). During a run, the runner's own listener (runner/run.ts) stops the run
  // first, so that the trace is complete: this one leaves it to that listener.
  const onPipe = function (this: NodeJS.WriteStream, e: NodeJS.ErrnoException): void {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    if (this.listenerCount('error') === 1) process.exit(141);
  };
  process.stdout.on('error', onPipe);
  process.stderr.on('error', onPipe);
  try {
    await prog.parseAsync(argv, { from: 'user' });
    return state.status;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help asked for (--help, help CMD) exits 0; every other commander error is a usage error, already printed.
      return e.exitCode === 0 ? 0 : 2;
    }
    // A file the user named that socklab cannot read (run missing.c) is a bad command line, as a missing module is.
    const plain = e instanceof ModuleError || e instanceof UsageError || e instanceof MountError || e instanceof UserFileError;
    // The modules of the other errors load here if the run had not loaded them already (only such a failure pays for that).
    const [{ BuildError }, { ScenarioError }, { InjectError }] = plain
      ? [{ BuildError: undefined }, { ScenarioError: undefined }, { InjectError: undefined }]
      : await Promise.all([import('../toolchain/clang.js'), import('../scenario/load.js'), import('../trace/inject.js')]);
    if (BuildError && e instanceof BuildError) {
      const { buildHint } = await import('../toolchain/clang.js');
      const hint = buildHint(e.diagnostics);
      if (hint) process.stderr.write(`${hint}\n`);
      return 1;
    }
    // asc's diagnostics (`socklab run prog.ts`, a scenario's .ts module) as asc prints them, as clang's are:
    // they start with "ERROR TS2322: ...", not with "socklab run: ".
    if (e instanceof Error && /^(ERROR|WARNING) [A-Z]+\d+: /.test(e.message) && /^FAILURE \d+ \w+ error/m.test(e.message)) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (!['run', 'build', 'demo', 'grade'].includes(cmd)) cmd = '';
    process.stderr.write(`socklab${cmd ? ` ${cmd}` : ''}: ${e instanceof Error ? systemMessage(e) : String(e)}\n`);
    return plain || (ScenarioError && e instanceof ScenarioError) || (InjectError && e instanceof InjectError) ? 2 : 1;
  }
}

interface RunFlags {
  env?: string[];
  dir?: string[];
  seed?: string;
  realTime?: boolean;
  timeout?: string;
  maxMemory?: string;
  maxTotalMemory?: string;
  maxOutput?: string;
  maxFds?: string;
  maxProcs?: string;
  maxFs?: string;
  fuel?: string;
  maxVirtualTime?: string;
  client?: string[];
  clients?: string;
  trace?: string | true;
  traceStrsize?: string;
  traceOnly?: string;
  traceFormat?: 'text' | 'jsonl';
  summary?: boolean;
  summaryOnly?: boolean;
  traceFailedOnly?: boolean;
  traceSuccessfulOnly?: boolean;
  inject?: string[];
  traceFf?: boolean;
  pcap?: string;
  report?: string;
  reportMaxCalls?: string;
  traceTime?: 'elapsed' | 'absolute' | 'relative' | 'none';
  traceWall?: boolean;
  traceX?: boolean;
  traceXx?: boolean;
  pcapHost?: string;
  pcapFormat?: 'pcap' | 'pcapng';
  tracePid?: string;
  traceHost?: string;
  traceFd?: string;
  net?: 'virtual' | 'real';
  allowConnect?: string[];
  allowListen?: string[];
  allowDns?: boolean;
  publish?: string[];
}

/**
 * Node's own file errors ("ENOENT: no such file or directory, open '/x/y'") as one line a user reads:
 * "cannot open /x/y: no such file or directory". Other errors keep their message.
 */
function systemMessage(e: Error): string {
  const { code, syscall, path } = e as NodeJS.ErrnoException;
  if (typeof code !== 'string' || !syscall || !path) return e.message;
  const what = /^[A-Z0-9_]+: ([^,]+)/.exec(e.message)?.[1] ?? code;
  return `cannot ${syscall} ${path}: ${what}`;
}

/**
 * An output file named by --NAME (--trace, --pcap, --report) that cannot be written is refused before
 * anything runs, not after the guests ran: a directory, a missing directory, no permission.
 */
function outputFile(name: string, file: string, prefixOnly = false): string {
  // `socklab run --trace prog.wasm` gives prog.wasm to --trace (its value is optional): never write a trace over
  // a module or a source.
  if (/\.(wasm|c|ts|ya?ml)$/i.test(file)) {
    throw new UsageError(`--${name}: cannot write ${file}: that is a module or a source, not a ${name} file (write --${name}=FILE${name === 'trace' ? ', or --trace= for stderr' : ''})`);
  }
  const why = outputProblem(file, `--${name}=${join(file, `run.${name === 'report' ? 'html' : name}`)}`, prefixOnly);
  if (why) throw new UsageError(`--${name}: cannot write ${file}: ${why}`);
  return resolve(file);
}

/** Parses option --NAME's value, or says what is wrong with it: "--max-fds: expected a whole number from 1 to 65536, got "abc"". */
function value<T>(name: string, v: string, parse: (s: string) => T): T {
  try {
    return parse(v);
  } catch (e) {
    if (e instanceof UnitError || e instanceof UsageError) throw new UsageError(`--${name}: ${e.message}`);
    throw e;
  }
}

/** A duration in ms, more than 0 and at most `maxMs`. */
function duration(v: string, maxMs: number): number {
  const ms = parseDuration(v);
  if (ms <= 0 || ms > maxMs) throw new UnitError(`expected a duration above 0 and at most ${formatDuration(maxMs)} (10, 2.5s, 500ms; a bare number is seconds), got ${JSON.stringify(v)}`);
  return ms;
}

function size(v: string, min: number, max: number): number {
  const n = parseSize(v);
  if (n < min || n > max) throw new UnitError(`expected a size from ${formatSize(min)} to ${formatSize(max)} (512K, 64M, 1G; a bare number is bytes), got ${JSON.stringify(v)}`);
  return n;
}

/** The longest wall-clock timeout: 24 days, under the 2^31-1 ms Node's timers can wait. */
const MAX_TIMER_MS = 24 * 24 * 3_600_000;

async function cmdRun(module: string, guestArgs: string[], f: RunFlags): Promise<number> {
  const seedGiven = f.seed !== undefined;
  for (const e of f.env ?? []) if (!/^[^=]+=/.test(e)) throw new UsageError(`--env: expected NAME=VALUE, got ${JSON.stringify(e)}`);
  const seed = f.seed === undefined ? 1 : value('seed', f.seed, (s) => parseWhole(s, 0, 0xffff_ffff));
  // Every value is checked before the scenario loads (which may build C sources) and before anything runs.
  const timeoutMs = f.timeout === undefined ? undefined : value('timeout', f.timeout, (s) => duration(s, MAX_TIMER_MS));
  const maxVirtualMs = f.maxVirtualTime === undefined ? undefined : value('max-virtual-time', f.maxVirtualTime, (s) => duration(s, Number.MAX_SAFE_INTEGER / 1e6));
  const maxMemory = f.maxMemory === undefined ? undefined : value('max-memory', f.maxMemory, (s) => size(s, 64 << 10, 2 ** 32));
  const maxTotalMemory = f.maxTotalMemory === undefined ? undefined : value('max-total-memory', f.maxTotalMemory, (s) => size(s, 64 << 10, Number.MAX_SAFE_INTEGER));
  const maxOutput = f.maxOutput === undefined ? undefined : value('max-output', f.maxOutput, (s) => size(s, 0, Number.MAX_SAFE_INTEGER));
  const maxFds = f.maxFds === undefined ? undefined : value('max-fds', f.maxFds, (s) => parseWhole(s, 1, 65536));
  const maxProcs = f.maxProcs === undefined ? undefined : value('max-procs', f.maxProcs, (s) => parseWhole(s, 1, 65536));
  const maxFs = f.maxFs === undefined ? undefined : value('max-fs', f.maxFs, (s) => size(s, 0, Number.MAX_SAFE_INTEGER));
  const fuel = f.fuel === undefined ? undefined : value('fuel', f.fuel, (s) => {
    const n = parseCount(s);
    if (n < 1) throw new UnitError(`expected a count of at least 1 (1000, 500M, 2G), got ${JSON.stringify(s)}`);
    return n;
  });
  const n = f.clients === undefined ? 1 : value('clients', f.clients, (s) => parseWhole(s, 1, 4096));
  // --clients copies each --client: alone it would start nothing, and the run would look as if it had been ignored.
  if (f.clients !== undefined && !f.client?.length) throw new UsageError(`--clients ${f.clients}: it starts N copies of each --client; give it one: --client "CLIENT.wasm ARGS" --clients ${f.clients}`);
  const strSize = f.traceStrsize === undefined ? undefined : value('trace-strsize', f.traceStrsize, (s) => parseWhole(s, 0, 1 << 20));
  const pids = f.tracePid === undefined ? undefined : value('trace-pid', f.tracePid, (s) => parseWholeList(s, 1, 4_194_304));
  const fds = f.traceFd === undefined ? undefined : value('trace-fd', f.traceFd, (s) => parseWholeList(s, 0, 65535));
  const mounts = (f.dir ?? []).map((d) => value('dir', d, (given) => {
    // wasmtime's HOST::GUEST (`--dir data::data`, `--dir DIR::/`) is HOST:GUEST here.
    const wt = /^([^:]+)::([^:]+)$/.exec(given);
    const s = wt && wt[2] !== 'ro' && wt[2] !== 'rw' ? `${wt[1]}:${wt[2]}` : given;
    const parts = s.split(':');
    const flag = parts.length > 1 && (parts.at(-1) === 'ro' || parts.at(-1) === 'rw') ? 1 : 0;
    if (parts.length - flag > 2 || parts.some((p) => p === '')) throw new UsageError(`expected HOST[:GUEST][:ro], got ${JSON.stringify(s)}`);
    return parseMount(s);
  }));
  const publishFlags = (f.publish ?? []).map((p) => value('publish', p, parsePublish));
  if (f.inject?.length) {
    const { parseInject } = await import('../trace/inject.js');
    for (const r of f.inject) parseInject(r); // refuse a bad rule before anything runs
  }
  const { expandCallSet, CallNameError } = f.traceOnly !== undefined ? await import('../trace/names.js') : ({} as Partial<typeof import('../trace/names.js')>);
  // strace's spellings: `-e trace=network` typed as `--trace-only trace=network`, and %network for %net.
  const traceOnly = f.traceOnly?.replace(/^trace=/, '').split(',').map((x) => x.trim().replace(/^(%?)network$/, '%net'));
  if (traceOnly !== undefined) value('trace-only', f.traceOnly!, () => {
    try {
      return expandCallSet!(traceOnly);
    } catch (e) {
      throw e instanceof CallNameError! ? new UsageError(e.message) : e;
    }
  });

  // A C or AssemblyScript source runs as it is: built on demand, once per content (as in scenario files).
  // A .wasm needs no loader: its path, as resolveModule (scenario/load.ts) makes it.
  const modulePath = async (m: string): Promise<string> =>
    ['.c', '.ts'].includes(extname(m)) ? (await import('../scenario/load.js')).resolveModule(m, [], process.cwd()) : isAbsolute(m) ? m : join(process.cwd(), m);
  const isScenario = /\.(ya?ml|json)$/i.test(module);
  let processes: ProcessSpec[] = [{ module: isScenario ? resolve(module) : await modulePath(module), name: basename(module), args: guestArgs, env: f.env ?? [], stdin: 'inherit', ...(f.client?.length ? { service: true } : {}) }];
  let scenario: RunSpec | undefined;
  if (isScenario) {
    const { loadScenario } = await import('../scenario/load.js');
    scenario = (await loadScenario(module, seedGiven ? { seed } : {})).spec;
    processes = scenario.processes;
  }
  for (const c of f.client ?? []) {
    const [cm, ...cargs] = splitWords(c);
    if (!cm) throw new UsageError('--client: expected "MODULE.wasm ARGS..."');
    const cmod = await modulePath(cm);
    for (let i = 1; i <= n; i++) {
      const name = n > 1 ? `${basename(cm)}#${i}` : basename(cm);
      processes.push({ module: cmod, name, args: cargs.map((a) => a.replaceAll('{i}', String(i))), env: f.env ?? [], startMs: 1 });
    }
  }
  if (processes.length > 1 && !scenario) processes[0]!.stdin = undefined;

  // Host names, once the scenario is known: a --publish, --trace-host or --pcap-host naming another host is a typo.
  const hostNames = new Set([...((scenario?.network as NetworkConfig | undefined)?.hosts.map((h) => h.name) ?? []), ...processes.map((p) => p.host ?? 'host1')]);
  const knownHost = (opt: string, h: string): void => {
    if (!hostNames.has(h)) throw new UsageError(`--${opt}: no host named ${JSON.stringify(h)} in this run (hosts: ${[...hostNames].join(', ')})`);
  };
  for (const p of publishFlags) knownHost('publish', p.host);
  const traceHosts = f.traceHost?.split(',');
  for (const h of traceHosts ?? []) knownHost('trace-host', h);
  const pcapHosts = f.pcapHost?.split(',');
  for (const h of pcapHosts ?? []) knownHost('pcap-host', h);

  const fmt = f.traceFormat;
  const tracing = f.trace !== undefined || fmt !== undefined || f.summary === true || f.summaryOnly === true;
  const netMode = f.net ?? scenario?.net;
  const policy = {
    allowConnect: [...(scenario?.policy?.allowConnect ?? []), ...(f.allowConnect ?? [])],
    allowListen: [...(scenario?.policy?.allowListen ?? []), ...(f.allowListen ?? [])],
    allowDns: f.allowDns ?? scenario?.policy?.allowDns ?? false,
  };
  // Refuse a bad pattern before anything runs (no pattern, nothing to check).
  if (policy.allowConnect.length || policy.allowListen.length) {
    const { parsePolicy, PolicyError } = await import('../net/real/policy.js');
    // Each flag alone first, so that the message names the one that is wrong; then the scenario's with them.
    const check = (name: string, p: Parameters<typeof parsePolicy>[0]): void => {
      try {
        parsePolicy(p);
      } catch (e) {
        if (e instanceof PolicyError) throw new UsageError(`${name}: ${e.message} (expected HOST:PORT, e.g. 127.0.0.1:8080, 10.0.0.0/8:*, [::1]:8000-8099, localhost:*)`);
        throw e;
      }
    };
    for (const a of f.allowConnect ?? []) check('--allow-connect', { allowConnect: [a], allowListen: [], allowDns: false });
    for (const a of f.allowListen ?? []) check('--allow-listen', { allowConnect: [], allowListen: [a], allowDns: false });
    check('the scenario\'s policy', policy);
  }
  if (netMode !== 'real' && (f.allowConnect || f.allowListen || f.allowDns)) throw new UsageError('--allow-connect, --allow-listen and --allow-dns need --net=real');
  const publish = [...(scenario?.publish ?? []), ...publishFlags];
  if (netMode === 'real' && publish.length) throw new UsageError('--publish is for the virtual network; with --net=real let the guest listen on a real port (--allow-listen)');
  let traceFile = f.trace === undefined || f.trace === true || f.trace === '' || f.trace === '-' ? undefined : outputFile('trace', f.trace, f.traceFf === true);
  // strace -ff without -o traces as -f does; --trace-ff alone traced nothing, silently.
  if (f.traceFf && f.trace === undefined) throw new UsageError('--trace-ff writes one file per process, FILE.PID: give it --trace=FILE');
  if (f.pcap) outputFile('pcap', f.pcap);
  if (f.report) outputFile('report', f.report);
  // --report reads the run's JSONL trace: the user's own JSONL file, or one socklab keeps for the while.
  if (f.summaryOnly) {
    // strace -c prints a table and nothing else: no lines to put in another format, split per process or draw.
    const clash = f.summary ? '--summary' : fmt === 'jsonl' ? '--trace-format jsonl' : f.traceFf ? '--trace-ff' : f.report ? '--report' : undefined;
    if (clash) throw new UsageError(`--summary-only prints only the table (strace -c): it does not go with ${clash}${f.summary ? ' (the trace and the table, strace -C)' : ''}`);
  }
  if (f.report && tracing && (fmt !== 'jsonl' || !traceFile || f.traceFf)) throw new UsageError('--report reads the JSONL trace: with --report, trace to a file with --trace-format jsonl --trace=FILE, or leave --trace out');
  const pcapFormat = f.pcapFormat ?? scenario?.pcapOptions?.format;
  if (f.pcapFormat && !f.pcap) throw new UsageError('--pcap-format needs --pcap FILE');
  if (f.reportMaxCalls !== undefined && !f.report) throw new UsageError('--report-max-calls needs --report FILE');
  const reportMax = f.reportMaxCalls === undefined ? undefined : value('report-max-calls', f.reportMaxCalls, (s) => parseWhole(s, 1, 100_000_000));
  const report = f.report ? (await import('./view.js')).reportSink(traceFile, reportMax) : undefined;
  if (report) traceFile = report.file;
  const opts: RunOptions = {
    ...scenario,
    processes,
    seed: scenario && !seedGiven ? scenario.seed : seed,
    realTime: f.realTime ?? scenario?.realTime ?? false,
    timeoutMs: timeoutMs ?? scenario?.timeoutMs,
    // The command line's --timeout bounds the whole run, preparing the modules included.
    ...(timeoutMs !== undefined || scenario?.timeoutMs !== undefined ? { timeoutCoversLoading: true } : {}),
    maxMemory: maxMemory ?? scenario?.maxMemory,
    ...((maxTotalMemory ?? scenario?.maxTotalMemory) !== undefined ? { maxTotalMemory: (maxTotalMemory ?? scenario?.maxTotalMemory)! } : {}),
    maxOutput: maxOutput ?? scenario?.maxOutput,
    maxFds: maxFds ?? scenario?.maxFds,
    maxProcesses: maxProcs ?? scenario?.maxProcesses,
    maxFs: maxFs ?? scenario?.maxFs,
    fuel: fuel ?? scenario?.fuel,
    maxVirtualMs: maxVirtualMs ?? scenario?.maxVirtualMs,
    net: netMode === 'real' ? 'real' : 'virtual',
    policy,
    ...(publish.length ? { publish } : {}),
    mounts,
    tty: process.stdout.isTTY === true,
    output: 'inherit',
    ...(f.inject?.length ? { inject: f.inject } : {}),
    ...(f.pcap ? { pcap: { file: resolve(f.pcap), ...(pcapHosts ? { hosts: pcapHosts } : {}), ...(pcapFormat ? { format: pcapFormat } : {}) } } : {}),
    ...(tracing || report
      ? {
          trace: {
            file: traceFile,
            strSize,
            classes: traceOnly,
            format: report ? 'jsonl' : fmt,
            summary: f.summary,
            summaryOnly: f.summaryOnly,
            failedOnly: f.traceFailedOnly,
            successfulOnly: f.traceSuccessfulOnly,
            perProcess: f.traceFf,
            time: f.traceTime,
            wall: f.traceWall,
            hex: f.traceXx ? 'all' : f.traceX ? 'nonascii' : undefined,
            pids,
            hosts: traceHosts,
            fds,
          },
        }
      : {}),
  };
  // Ctrl-C ends the run as --timeout does (status 130, as a shell reports SIGINT), keeping the trace, pcap and
  // report written so far, as strace keeps its output; a second Ctrl-C kills socklab at once.
  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  process.once('SIGINT', onSigint);
  // `socklab run ... | head`: the reader went away and the run stopped (141): quietly, as a command SIGPIPE ends.
  let gone = false;
  const onGone = (): void => void (gone = true);
  process.stdout.on('error', onGone);
  const o = await run({ ...opts, stop: stop.signal }).finally(() => process.off('SIGINT', onSigint));
  report?.done(resolve(f.report!), new Map(o.processes.map((p) => [p.pid, p.name])), f.pcap ? resolve(f.pcap) : undefined, basename(module));
  if (gone) return o.status;
  process.stdout.off('error', onGone);
  // A service stopped as expected is not a problem: the end-of-run paragraph says it, once.
  // A process stopped by the run's own limit (--timeout, Ctrl-C) is said once, by the limit's line.
  // Services stopped because nothing was left to serve are said once, by the idle report (each with its call).
  const idled = (p: (typeof o.processes)[number]): boolean => o.idle !== undefined && p.exit.reason?.startsWith('only services are left') === true;
  for (const p of o.processes) if (p.exit.reason && !p.stillRunning && p.exit.reason !== o.limit && !idled(p)) process.stderr.write(`socklab: ${p.name} (pid ${p.pid}) ${p.exit.reason}\n`);
  if (o.limit) process.stderr.write(`socklab: ${o.limit}\n`);
  if (o.deadlock) process.stderr.write(`socklab: ${o.deadlock}\n`);
  if (o.idle && o.processes.length === 1) process.stderr.write(`socklab: ${o.idle}\n`);
  // A server run alone (Beej's server.c, `socklab run server.c`) waits for clients that nothing will start.
  if (o.deadlock && !scenario && o.processes.length === 1 && !publish.length && /waits in (accept4?|recv\w*|read\w*|poll|select|epoll_wait)$/m.test(o.deadlock)) {
    process.stderr.write(`socklab: nothing else runs in this run: give the server its clients (--client "CLIENT.wasm ARGS" --clients N, or a scenario file: docs/scenarios.md), or reach it from this machine (--publish REALPORT:host1:PORT)\n`);
  }
  if (o.processes.length > 1) process.stderr.write(`${describeNetwork(o, opts.net === 'real' ? 'real-network' : opts.realTime ? 'wall' : 'virtual')}\n`);
  return o.status;
}

/** REALPORT:HOST:PORT */
function parsePublish(v: string): PublishSpec {
  const m = /^(\d+):([^:]+):(\d+)$/.exec(v);
  if (!m || Number(m[1]) > 65535 || Number(m[3]) > 65535 || Number(m[3]) === 0) throw new UsageError(`expected REALPORT:HOST:PORT (e.g. 8080:server:80; REALPORT 0 to 65535, PORT 1 to 65535), got ${JSON.stringify(v)}`);
  return { realPort: Number(m[1]), host: m[2]!, port: Number(m[3]) };
}

/** Splits a command line on blanks, honouring '...' and "..." quotes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m; (m = re.exec(s)); ) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]!);
  return out;
}

async function cmdBuild(args: string[], toolchain?: ToolchainChoice, target?: BuildTarget): Promise<number> {
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
  // A source that is not there is named before any compiler starts (clang's own message would be lost).
  const sourceFile = (f: string): void => {
    let st;
    try {
      st = statSync(f);
    } catch {
      throw new UsageError(`cannot read ${f}: no such file`);
    }
    if (!st.isFile()) throw new UsageError(`cannot read ${f}: not a regular file (${fileKind(st)})`);
  };
  for (const s of sources) sourceFile(s);
  // gcc -o into a missing directory fails; socklab's builds would create it. Say so before compiling.
  const checkOut = (o: string): string => {
    const why = outputProblem(o, join(o, 'prog.wasm'));
    if (why) throw new UsageError(`-o: cannot write ${o}: ${why}`);
    return o;
  };
  if (sources.length === 0 && args.some((a) => a.endsWith('.ts'))) {
    // An AssemblyScript program: one .ts file, built as asconfig.json says (docs/assemblyscript.md).
    const source = args.find((a) => a.endsWith('.ts'))!;
    sourceFile(source);
    const asOut = checkOut(out ?? source.replace(/\.ts$/, '') + '.wasm');
    const { buildAs } = await import('../toolchain/asc.js');
    try {
      await buildAs({ source, out: asOut, stderr: (s) => process.stderr.write(s) });
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
    return 0;
  }
  if (!sources.length) throw new UsageError('build needs a .c file (or one AssemblyScript .ts file): socklab build FILE.c -o OUT.wasm');
  if (target === 'component' && !sdk) throw new UsageError('--target=component needs the SDK: leave out --no-sdk');
  out = checkOut(out ?? sources[0]!.replace(/\.c$/, '') + (target === 'component' ? '.component.wasm' : '.wasm'));
  const { buildC } = await import('../toolchain/clang.js');
  await buildC({ sources, out, flags, sdk, toolchain, target, announce: toolchain !== undefined });
  return 0;
}
