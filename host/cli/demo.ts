// `socklab demo` (npm start): builds the demo guests and runs them.
import { join } from 'node:path';
import { run } from '../runner/run.js';
import { ensureBuilt, examplesDir, wasmDir } from './guests.js';

export async function demo(_args: string[]): Promise<number> {
  const ex = examplesDir();
  process.stderr.write('socklab demo: building guests (the first build takes a few seconds)...\n');
  const sleeper = await ensureBuilt([join(ex, 'sleepers', 'sleeper.c')], join(wasmDir(), 'sleeper.wasm'));
  process.stderr.write('socklab demo: two processes sleeping on the virtual clock (seed 1)\n');
  const o = await run({
    processes: [
      { module: sleeper, name: 'tortoise', args: ['tortoise', '500', '3'] },
      { module: sleeper, name: 'hare', args: ['hare', '200', '6'] },
    ],
    seed: 1,
    output: 'inherit',
  });
  process.stderr.write(`socklab demo: done in ${(o.elapsedNs / 1e6).toFixed(1)} virtual ms, exit status ${o.status}\n`);
  return o.status;
}
