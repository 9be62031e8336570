// The loader's refusals and edge cases, through `socklab run` as a user sees
// them: each malformed module in tests/fixtures/malformed/ gets one line on
// stderr (never a stack trace) and the status of a refused module (2); the
// valid edge cases run with their own status.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { ROOT, run, runGuest, tempDir } from './helpers.js';
import { ModuleError } from '../dist/host/api.js';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'malformed');
const work = tempDir('socklab-loader-');
/** A cache of its own: every transform in this file is a cold one. */
const env = { ...process.env, SOCKLAB_CACHE: join(work, 'cache') };

/** Assembles tests/fixtures/malformed/NAME.wat into a .wasm in the work directory. */
export function assemble(name: string): string {
  const mod = binaryen.parseText(readFileSync(join(FIXTURES, `${name}.wat`), 'utf8'));
  mod.setFeatures(binaryen.Features.All);
  const out = join(work, `${name}.wasm`);
  writeFileSync(out, mod.emitBinary());
  mod.dispose();
  return out;
}

function socklab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line, "socklab: ...", and nothing that looks like a stack trace. */
function oneLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at |\bError\b|\[object Object\]/);
  expect(stderr.split('\n')).toHaveLength(2);
  expect(stderr.endsWith('\n')).toBe(true);
  return stderr.trimEnd();
}

const REFUSED: [fixture: string, message: string][] = [
  ['import-i64', 'socklab run: import-i64.wasm: import wasi_snapshot_preview1.fd_write has type (i64) -> i32, expected (i32, i32, i32, i32) -> i32'],
  ['import-arity', 'socklab run: import-arity.wasm: import wasi_snapshot_preview1.fd_write has type (i32, i32) -> i32, expected (i32, i32, i32, i32) -> i32'],
  ['import-noresult', 'socklab run: import-noresult.wasm: import wasi_snapshot_preview1.sock_accept has type (i32, i32, i32) -> (), expected (i32, i32, i32) -> i32'],
  ['import-global', 'socklab run: import-global.wasm: import wasi_snapshot_preview1.fd_write is a global, expected a function (i32, i32, i32, i32) -> i32'],
  ['start-not-func', 'socklab run: start-not-func.wasm: export _start is a global, expected a function () -> ()'],
  ['memory-not-memory', 'socklab run: memory-not-memory.wasm: export memory is a table, expected the guest\'s linear memory'],
  ['tail-call', "socklab run: tail-call.wasm uses tail calls (return_call), which socklab's Asyncify transform cannot handle yet; build without -mtail-call"],
];

describe('malformed modules through socklab run', () => {
  const files = new Map<string, string>();
  beforeAll(() => {
    for (const [name] of REFUSED) files.set(name, assemble(name));
  });

  it.each(REFUSED)('%s is refused in one line with status 2', (name, message) => {
    const r = socklab(['run', files.get(name)!]);
    expect(oneLine(r.stderr)).toBe(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('says a .wat file (even one starting with comments) is text to assemble', () => {
    const r = socklab(['run', join(FIXTURES, 'tail-call.wat')]);
    expect(oneLine(r.stderr)).toBe('socklab run: tail-call.wat is WebAssembly text (.wat), not a binary module; assemble it first (e.g. wasm-as or wat2wasm)');
    expect(r.status).toBe(2);
  });

  it('the run() API rejects a refused module with a ModuleError', async () => {
    await expect(run({ processes: [{ module: assemble('import-i64') }] })).rejects.toThrow(ModuleError);
  });
});

describe('valid edge cases run', () => {
  it('a start section runs first, with the process in place: it may write to stdout', () => {
    const r = socklab(['run', assemble('start-memory')]);
    expect(r).toEqual({ status: 0, stdout: 'from start\n', stderr: '' });
  });

  it('proc_exit in a start section keeps its status', () => {
    const r = socklab(['run', assemble('start-exit')]);
    expect(r).toEqual({ status: 7, stdout: '', stderr: '' });
  });

  it('a memory whose maximum equals its initial size still leaves socklab room', () => {
    const r = socklab(['run', assemble('memory-max-equals-initial')]);
    expect(r).toEqual({ status: 4, stdout: '', stderr: '' });
  });
});

describe('--max-memory covers the memory a module declares', () => {
  it('refuses a module declaring 2 GiB of initial memory before it runs, with the limit status', () => {
    const r = socklab(['run', '--max-memory', '16M', assemble('big-initial-memory')]);
    expect(oneLine(r.stderr)).toBe('socklab: big-initial-memory.wasm (pid 1) memory limit exceeded: the module declares 2 GiB of initial memory, the limit is 16 MiB');
    expect(r.status).toBe(137);
  });

  it('counts socklab\'s Asyncify page: 16 MiB declared does not fit in 16 MiB', async () => {
    const o = await run({ processes: [{ name: 'exact.wasm', module: wat('(module (memory (export "memory") 256) (func (export "_start")))') }], maxMemory: 16 << 20 });
    expect(o.status).toBe(137);
    expect(o.processes[0]!.exit.reason).toBe('memory limit exceeded: the module declares 16 MiB of initial memory and socklab needs 64 KiB more for suspended calls, the limit is 16 MiB');
    const fits = await run({ processes: [{ name: 'exact.wasm', module: wat('(module (memory (export "memory") 255) (func (export "_start")))') }], maxMemory: 16 << 20 });
    expect(fits.status).toBe(0);
  });

  it('counts socklab\'s Asyncify page when the guest grows its memory', async () => {
    const grow = '(module (memory (export "memory") 1) (func (export "_start") (drop (memory.grow (i32.const 255)))))';
    const o = await run({ processes: [{ name: 'grow.wasm', module: wat(grow) }], maxMemory: 16 << 20 });
    expect(o.status).toBe(137);
    expect(o.processes[0]!.exit.reason).toBe('memory limit exceeded: the guest asked for 16.1 MiB, the limit is 16 MiB');
  });

  it('refuses a C program with a 40 MiB static array under --max-memory 16M', async () => {
    const o = await runGuest('mem_static_big', [], { maxMemory: 16 << 20 });
    expect(o.status).toBe(137);
    expect(o.stdout).toBe('');
    expect(o.processes[0]!.exit.reason).toMatch(/^memory limit exceeded: the module declares 4\d\.\d MiB of initial memory, the limit is 16 MiB$/);
    const free = await runGuest('mem_static_big');
    expect([free.status, free.stdout]).toEqual([0, 'ran with 1\n']);
  });
});

/** A module from inline text, as bytes. */
function wat(text: string): Uint8Array {
  const mod = binaryen.parseText(text);
  const b = mod.emitBinary();
  mod.dispose();
  return b;
}
