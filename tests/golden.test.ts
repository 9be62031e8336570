// Golden traces: the examples' syscall traces, text and JSONL, compared
// byte for byte with the files in tests/golden/. After an intended change of
// the trace format, regenerate them with SOCKLAB_UPDATE_GOLDEN=1 npm test and
// review the diff.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { cacheDir } from '../dist/host/loader/module.js';

// Traces show guest addresses, which depend on the compiler and its libc: the golden scenarios build
// with the pinned @yowasp/clang (not a native clang, design decision 12), into a cache of their own.
process.env.SOCKLAB_CACHE = join(cacheDir(), 'golden-npm');
process.env.SOCKLAB_TOOLCHAIN = 'npm';

const cases: [string, string, Record<string, unknown>][] = [
  ['demo.strace', 'tcp-echo/demo.yaml', { trace: {} }],
  ['demo.jsonl', 'tcp-echo/demo.yaml', { trace: { format: 'jsonl' } }],
  ['unix_rules.strace', 'unix/rules.yaml', { trace: { classes: ['%net'] } }],
  ['udp_rules.jsonl', 'udp/rules.yaml', { trace: { format: 'jsonl', classes: ['%net'] } }],
  ['short-writes.strace', 'short-writes/fixed.yaml', { trace: { classes: ['%net', '%desc'] }, inject: ['write:max=7'] }],
];

describe('golden traces', () => {
  it.each(cases)('%s', async (golden, scenario, extra) => {
    const { spec } = await loadScenario(join(ROOT, 'examples', scenario));
    const o = await run({ ...spec, ...extra, output: 'discard' });
    const file = join(ROOT, 'tests', 'golden', golden);
    if (process.env.SOCKLAB_UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, o.trace ?? '');
    expect(o.trace).toBe(readFileSync(file, 'utf8'));
  });
});
