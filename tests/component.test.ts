// WASI 0.2 components (host/component): hand-written WAT components in
// tests/components/, assembled at test time with jco-transpile's wasm-tools,
// transpiled by jco and run on socklab's kernel and virtual network.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { ROOT, run } from './helpers.js';

const OUT = join(ROOT, 'wasm', 'tests', 'components');

/** Assembles tests/components/NAME.wat into wasm/tests/components/NAME.wasm; returns its path. */
async function component(name: string): Promise<string> {
  const wat = readFileSync(join(ROOT, 'tests', 'components', `${name}.wat`), 'utf8');
  const bytes = await parse(wat);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.wasm`);
  writeFileSync(file, bytes);
  return file;
}

let hello: string;
beforeAll(async () => {
  hello = await component('hello');
}, 60_000);

describe('components', () => {
  it('runs a component that prints through wasi:cli/stdout', async () => {
    const r = await run({ processes: [{ module: hello, name: 'hello.wasm' }], timeoutMs: 60_000 });
    expect(r.processes[0]!.exit.status).toBe(0);
    expect(r.processes[0]!.stdout).toBe('hello from a component\n');
  }, 120_000);
});
