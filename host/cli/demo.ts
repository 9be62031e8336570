// `socklab demo` (npm start): the flagship scenario, a poll() TCP echo
// server on one virtual host and three clients on another across a lossy
// link, with each process's output and what happened on the network.
import { isAbsolute, join, relative } from 'node:path';
import { run } from '../runner/run.js';
import { loadScenario } from '../scenario/load.js';
import { examplesDir } from '../toolchain/guests.js';
import { describeNetwork } from './report.js';

export async function demo(seed?: number): Promise<number> {
  const file = join(examplesDir(), 'tcp-echo', 'demo.yaml');
  process.stderr.write('socklab demo: building the guests (the first build takes a few seconds)...\n');
  const { spec } = await loadScenario(file, seed !== undefined ? { seed } : {});
  process.stderr.write(
    `socklab demo: examples/tcp-echo/demo.yaml, seed ${spec.seed}: echo_server on host "server" (10.0.0.1),\n` +
      '  three clients on host "client" (10.0.0.2), link latency 2 ms, 10% loss.\n' +
      '  Guest output is prefixed [name:pid].\n\n',
  );
  // `socklab demo | head`: the reader goes away, the run stops (141), and there is nothing more to show.
  let gone = false;
  const onGone = (): void => void (gone = true);
  process.stdout.on('error', onGone);
  const o = await run({ ...spec, output: 'inherit', tty: process.stdout.isTTY === true });
  if (gone) return o.status;
  process.stdout.off('error', onGone);
  // The same seed gives the same run, so a second run yields its trace: socket calls here, everything in a file.
  const net = await run({ ...spec, output: 'discard', trace: { classes: ['net'] } });
  const full = join(process.cwd(), 'socklab-demo.trace');
  await run({ ...spec, output: 'discard', trace: { file: full } });
  process.stderr.write('\nThe socket calls of that run, strace-style ([pid N] virtual-seconds call(args) = result <duration>):\n');
  process.stderr.write(net.trace ?? '');
  process.stderr.write(`\n${describeNetwork(o)}\n`);
  process.stderr.write(`The complete syscall trace of the run is in ${full}\n`);
  // The scenario's path as the user can type it from here: relative inside the checkout, absolute elsewhere.
  const rel = relative(process.cwd(), file);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  process.stderr.write(`Run it again: the same seed gives the same run (\`npx socklab run ${shown} --seed ${spec.seed}\`); another seed, other losses.\n`);
  return o.status;
}
