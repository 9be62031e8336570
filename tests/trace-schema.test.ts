// Every line of a JSONL trace is valid against docs/trace-format.schema.json,
// the published description of the format: calls (library calls such as
// getaddrinfo included), failed calls with errno, injected results,
// process exits, signal deliveries and calls a signal interrupted.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { ROOT, run, runGuest } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';

const Ajv = AjvModule as unknown as typeof AjvModule.default;

describe('docs/trace-format.schema.json', () => {
  it('accepts every line of a real trace', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'));
    const o = await run({ ...spec, timeoutMs: 60_000, trace: { format: 'jsonl' }, inject: ['connect:error=ECONNREFUSED:when=1'] });
    const lines = o.trace.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs', 'trace-format.schema.json'), 'utf8')));
    const bad = lines.filter((l) => !validate(l)).map((l) => `${JSON.stringify(l)}: ${JSON.stringify(validate.errors)}`);
    expect(bad).toEqual([]);
    // What the test is meant to cover is in the trace.
    expect(lines.some((l) => l['library'] === true && l['call'] === 'getaddrinfo')).toBe(true);
    expect(lines.some((l) => l['errno'] !== undefined)).toBe(true);
    expect(lines.some((l) => l['exit'] !== undefined)).toBe(true);
    expect(lines.some((l) => l['injected'] === true)).toBe(true);
  }, 120_000);

  it('accepts signal deliveries and interrupted calls (a forking server reaping on SIGCHLD, sleeps ended by SIGALRM)', async () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'docs', 'trace-format.schema.json'), 'utf8')));
    const lines: Record<string, unknown>[] = [];
    for (const g of ['diff_sig_echo', 'diff_sig_sleep']) {
      const o = await runGuest(g, [], { trace: { format: 'jsonl' } });
      lines.push(...o.trace.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
    }
    const bad = lines.filter((l) => !validate(l)).map((l) => `${JSON.stringify(l)}: ${JSON.stringify(validate.errors)}`);
    expect(bad).toEqual([]);
    const signals = lines.map((l) => l['signal'] as Record<string, unknown> | undefined).filter((x) => x);
    expect(signals).toContainEqual({ signo: 'SIGCHLD', code: 'CLD_EXITED', pid: 2, status: 0 });
    expect(signals).toContainEqual({ signo: 'SIGALRM', code: 'SI_KERNEL' });
    expect(lines.some((l) => l['ret'] === '?' && l['errno'] === 'ERESTARTSYS' && l['call'] === 'accept')).toBe(true);
    expect(lines.some((l) => l['ret'] === '?' && l['errno'] === 'ERESTART_RESTARTBLOCK' && l['call'] === 'clock_nanosleep')).toBe(true);
  }, 120_000);
});
